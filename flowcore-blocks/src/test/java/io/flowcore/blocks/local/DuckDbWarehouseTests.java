package io.flowcore.blocks.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowcore.api.block.BlockException;
import io.flowcore.api.block.PartitionShrinkException;
import io.flowcore.api.block.WriteMode;
import io.flowcore.blocks.testing.Parquet;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DuckDbWarehouseTests {
    @TempDir
    Path dir;

    long count(DuckDbWarehouse wh, String where) {
        return ((Number) wh.query("SELECT count(*) AS n FROM trips " + where).get(0).get("n")).longValue();
    }

    @Test
    void appendCreatesTheTableFromTheParquetSchemaAndAddsRows() {
        DuckDbWarehouse wh = DuckDbWarehouse.at(dir.resolve("wh.duckdb"));
        Path jan = Parquet.trips(dir.resolve("jan.parquet"), "2021-01", 1000, 0);
        assertEquals(1000, wh.load(jan, "trips", WriteMode.append()));
        assertEquals(1000, wh.load(URI.create(jan.toUri().toString()), "trips", WriteMode.append()));
        assertEquals(2000, count(wh, ""));
        assertEquals("TIMESTAMP", wh.query("SELECT typeof(pickup) AS t FROM trips LIMIT 1").get(0).get("t"));
    }

    @Test
    void replacingAMonthTwiceLeavesOneCopyAndOtherMonthsAlone() {
        DuckDbWarehouse wh = DuckDbWarehouse.at(dir.resolve("wh.duckdb"));
        Path jan = Parquet.trips(dir.resolve("jan.parquet"), "2021-01", 1000, 0);
        Path feb = Parquet.trips(dir.resolve("feb.parquet"), "2021-02", 300, 5000);
        wh.load(jan, "trips", WriteMode.replacePartition("pickup", "202101"));
        wh.load(feb, "trips", WriteMode.replacePartition("pickup", "202102"));
        wh.load(jan, "trips", WriteMode.replacePartition("pickup", "202101"));
        assertEquals(1000, count(wh, "WHERE month(pickup) = 1"));
        assertEquals(300, count(wh, "WHERE month(pickup) = 2"));
    }

    @Test
    void rowsOutsideThePartitionFailTheLoadAndLeaveTheTable() {
        DuckDbWarehouse wh = DuckDbWarehouse.at(dir.resolve("wh.duckdb"));
        wh.load(Parquet.trips(dir.resolve("jan.parquet"), "2021-01", 1000, 0), "trips", WriteMode.replacePartition("pickup", "202101"));
        Path feb = Parquet.trips(dir.resolve("feb.parquet"), "2021-02", 10, 0);
        BlockException e = assertThrows(BlockException.class,
                () -> wh.load(feb, "trips", WriteMode.replacePartition("pickup", "202101")));
        assertTrue(e.getMessage().contains("10 of 10 rows have pickup outside partition 202101"), e.getMessage());
        assertEquals(1000, count(wh, ""));
    }

    @Test
    void aReplacementWithNoRowsOrFewerThanHalfIsRefusedAndTheMonthKeepsItsRows() {
        DuckDbWarehouse wh = DuckDbWarehouse.at(dir.resolve("wh.duckdb"));
        WriteMode.ReplacePartition jan = WriteMode.replacePartition("pickup", "202101");
        wh.load(Parquet.trips(dir.resolve("jan.parquet"), "2021-01", 1000, 0), "trips", jan);
        Path empty = Parquet.trips(dir.resolve("empty.parquet"), "2021-01", 0, 0);
        PartitionShrinkException e = assertThrows(PartitionShrinkException.class, () -> wh.load(empty, "trips", jan));
        assertTrue(e.getMessage().startsWith("refusing to replace partition 202101 of table 'trips' in duck-db-warehouse "),
                e.getMessage());
        assertTrue(e.getMessage().contains("it holds 1000 rows and the new data has 0;"), e.getMessage());
        assertTrue(e.getMessage().contains("force()"), e.getMessage());
        assertEquals(1000, count(wh, ""));

        Path few = Parquet.trips(dir.resolve("few.parquet"), "2021-01", 499, 0);
        e = assertThrows(PartitionShrinkException.class, () -> wh.load(few, "trips", jan));
        assertEquals(List.of(1000L, 499L), List.of(e.oldRows(), e.newRows()));
        assertEquals(1000, count(wh, ""));
    }

    @Test
    void theThresholdIsConfigurableAndAForcedReplacementMayShrinkTheMonth() {
        DuckDbWarehouse wh = DuckDbWarehouse.at(dir.resolve("wh.duckdb"));
        WriteMode.ReplacePartition jan = WriteMode.replacePartition("pickup", "202101");
        wh.load(Parquet.trips(dir.resolve("jan.parquet"), "2021-01", 1000, 0), "trips", jan);
        Path sixHundred = Parquet.trips(dir.resolve("600.parquet"), "2021-01", 600, 0);
        assertThrows(PartitionShrinkException.class, () -> wh.load(sixHundred, "trips", jan.withMinFraction(0.7)));
        assertEquals(600, wh.load(sixHundred, "trips", jan));
        assertEquals(600, count(wh, ""));
        assertEquals(0, wh.load(Parquet.trips(dir.resolve("empty.parquet"), "2021-01", 0, 0), "trips", jan.force()));
        assertEquals(0, count(wh, ""));
    }

    @Test
    void truncateReplacesEveryRow() {
        DuckDbWarehouse wh = DuckDbWarehouse.at(dir.resolve("wh.duckdb"));
        wh.load(Parquet.trips(dir.resolve("a.parquet"), "2021-01", 100, 0), "trips", WriteMode.append());
        wh.load(Parquet.trips(dir.resolve("b.parquet"), "2021-02", 7, 0), "trips", WriteMode.truncate());
        assertEquals(7, count(wh, ""));
    }

    @Test
    void badTableNameAndRemoteUrisAreRefused() {
        DuckDbWarehouse wh = DuckDbWarehouse.at(dir.resolve("wh.duckdb"));
        Path jan = Parquet.trips(dir.resolve("jan.parquet"), "2021-01", 1, 0);
        assertThrows(BlockException.class, () -> wh.load(jan, "trips; DROP TABLE x", WriteMode.append()));
        BlockException e = assertThrows(BlockException.class,
                () -> wh.load(URI.create("s3://b/x.parquet"), "trips", WriteMode.append()));
        assertTrue(e.getMessage().contains("local files only"), e.getMessage());
    }
}
