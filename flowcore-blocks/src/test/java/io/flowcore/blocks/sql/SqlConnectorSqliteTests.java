package io.flowcore.blocks.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.flowcore.api.block.BlockException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The batched-insert path of SqlConnector, on an embedded SQLite file. */
class SqlConnectorSqliteTests {
    static final List<Column> COLS = List.of(Column.of("id", "INTEGER"), Column.of("month", "TEXT"));

    @TempDir
    Path dir;
    SqlConnector db;

    @BeforeEach
    void open() {
        db = SqlConnector.ofUrl("jdbc:sqlite:" + dir.resolve("x.db"), null, null);
    }

    @AfterEach
    void close() {
        db.close();
    }

    static Stream<List<?>> rows(String month, int n) {
        return IntStream.range(0, n).mapToObj(i -> List.of(i, month));
    }

    long count() {
        return ((Number) db.query("SELECT count(*) AS n FROM trips").get(0).get("n")).longValue();
    }

    @Test
    void batchedInsertsLoadAndReplacePartitionIsIdempotent() {
        assertEquals(2500, db.replacePartition("trips", COLS, rows("2021-01", 2500), "month", "2021-01"));
        db.replacePartition("trips", COLS, rows("2021-02", 10), "month", "2021-02");
        db.replacePartition("trips", COLS, rows("2021-01", 2500), "month", "2021-01");
        assertEquals(2510, count());
    }

    @Test
    void failedBatchLeavesThePreviousRows() {
        db.replacePartition("trips", COLS, rows("2021-01", 2500), "month", "2021-01");
        Stream<List<?>> bad = Stream.concat(rows("2021-01", 1500), Stream.of(List.of(1, 2, 3)));
        assertThrows(BlockException.class, () -> db.replacePartition("trips", COLS, bad, "month", "2021-01"));
        assertEquals(2500, count());
    }
}
