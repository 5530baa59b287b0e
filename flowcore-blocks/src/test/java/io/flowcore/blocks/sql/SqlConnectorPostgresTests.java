package io.flowcore.blocks.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowcore.api.block.BlockException;
import io.flowcore.api.block.PartitionShrinkException;
import io.flowcore.api.block.ShrinkGuard;
import io.flowcore.api.block.Secret;
import io.flowcore.blocks.testing.CapturedOutput;
import io.flowcore.blocks.testing.PgSchemas;
import io.flowcore.engine.testing.TestInfra;
import io.flowcore.engine.Blocks;
import io.flowcore.engine.BlockStores;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SqlConnector against the real PostgreSQL started by .ci/test-infra.sh. */
class SqlConnectorPostgresTests {
    static final List<Column> TRIPS = List.of(Column.of("id", "BIGINT"), Column.of("month", "TEXT"),
            Column.of("pickup", "DATE"), Column.of("note", "TEXT"), Column.of("fare", "NUMERIC(10, 2)"));

    SqlConnector db;
    String table;
    final List<String> tables = new ArrayList<>();

    @BeforeEach
    void connect() {
        db = SqlConnector.ofUrl(TestInfra.require("FLOWCORE_PG_URL"), TestInfra.require("FLOWCORE_PG_USER"),
                Secret.of(TestInfra.require("FLOWCORE_PG_PASSWORD")));
        table = newTable();
    }

    String newTable() {
        String t = "t_blocks_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        tables.add(t);
        return t;
    }

    @AfterEach
    void dropTables() {
        if (db == null) return;
        for (String t : tables) db.execute("DROP TABLE IF EXISTS " + t);
        db.close();
    }

    static Stream<List<?>> month(String month, int rows, int idOffset) {
        LocalDate first = LocalDate.parse(month + "-01");
        return IntStream.range(0, rows).mapToObj(i -> List.of(idOffset + i, month, first.plusDays(i % 28),
                "note " + i, java.math.BigDecimal.valueOf(i % 100, 1)));
    }

    long count(String where) {
        return ((Number) db.query("SELECT count(*) AS n FROM " + table + " " + where).get(0).get("n")).longValue();
    }

    @Test
    void copyStreamsOneHundredThousandRowsIntoANewTable() {
        long n = db.load(table, TRIPS, month("2021-01", 100_000, 0), IfExists.FAIL);
        assertEquals(100_000, n);
        assertEquals(100_000, count(""));
        Map<String, Object> agg = db.query("SELECT sum(id) AS s, max(pickup) AS p FROM " + table).get(0);
        assertEquals(99_999L * 100_000 / 2, ((Number) agg.get("s")).longValue());
        assertEquals(java.sql.Date.valueOf("2021-01-28"), agg.get("p"));
    }

    @Test
    void copyKeepsQuotesCommasNewlinesAndTellsNullFromEmpty() {
        List<Column> cols = List.of(Column.of("id", "INT"), Column.of("txt", "TEXT"));
        List<List<?>> rows = new ArrayList<>();
        rows.add(List.of(1, "a,b \"quoted\"\nnext line"));
        rows.add(java.util.Arrays.asList(2, null));
        rows.add(List.of(3, ""));
        db.load(table, cols, rows.stream(), IfExists.FAIL);
        List<Map<String, Object>> back = db.query("SELECT id, txt FROM " + table + " ORDER BY id");
        assertEquals("a,b \"quoted\"\nnext line", back.get(0).get("txt"));
        assertEquals(null, back.get(1).get("txt"));
        assertEquals("", back.get(2).get("txt"));
    }

    @Test
    void copyTypesValuesByTheTableAsItIsAndNamesTheRowOfAValueThatDoesNotFit() {
        // the table exists with narrower types than the declared columns: values go in as the table has them
        db.execute("CREATE TABLE " + table + " (id integer, flag boolean, fare numeric(6, 2), at timestamp)");
        List<Column> cols = List.of(Column.of("id", "BIGINT"), Column.of("flag", "BOOLEAN"), Column.of("fare", "NUMERIC(10, 2)"),
                Column.of("at", "TIMESTAMP"));
        db.load(table, cols, Stream.of(List.of(1, true, new java.math.BigDecimal("-1234.5"), java.time.LocalDateTime.parse("1969-07-20T20:17:40")),
                java.util.Arrays.asList(2, "false", "0.01", null)), IfExists.APPEND);
        assertEquals(List.of(Map.of("id", 1, "flag", true, "fare", new java.math.BigDecimal("-1234.50"), "at",
                        java.sql.Timestamp.valueOf("1969-07-20 20:17:40")),
                        Map.of("id", 2, "flag", false, "fare", new java.math.BigDecimal("0.01"))),
                db.query("SELECT id, flag, fare, at FROM " + table + " ORDER BY id").stream()
                        .map(r -> { var m = new java.util.HashMap<>(r); m.values().removeIf(java.util.Objects::isNull); return m; }).toList());
        BlockException e = assertThrows(BlockException.class, () -> db.load(table, cols,
                Stream.of(List.of(3, true, "1.5", "2021-01-01 00:00:00"), List.of(4, true, "12345.678", "2021-01-01 00:00:00")),
                IfExists.APPEND));
        assertTrue(e.getMessage().contains("row 2: column fare (DECIMAL(6,2)) cannot hold '12345.678'"), e.getMessage());
        assertTrue(e.getMessage().contains("nothing was written"), e.getMessage());
        assertEquals(2, count(""));
    }

    @Test
    void aColumnTypeThatBinaryCopyCannotWriteIsNamed() {
        db.execute("CREATE TABLE " + table + " (id bigint, doc jsonb)");
        BlockException e = assertThrows(BlockException.class, () -> db.load(table,
                List.of(Column.of("id", "BIGINT"), Column.of("doc", "JSONB")), Stream.of(List.of(1, "{}")), IfExists.APPEND));
        assertTrue(e.getMessage().contains("column doc of table " + table + " is jsonb, which binary COPY does not write"),
                e.getMessage());
    }

    @Test
    void replacingAMonthTwiceLeavesOneCopy() {
        db.replacePartition(table, TRIPS, month("2021-01", 1000, 0), "month", "2021-01");
        db.replacePartition(table, TRIPS, month("2021-02", 500, 10_000), "month", "2021-02");
        db.replacePartition(table, TRIPS, month("2021-01", 1000, 0), "month", "2021-01");
        assertEquals(1000, count("WHERE month = '2021-01'"));
        assertEquals(500, count("WHERE month = '2021-02'"));
        assertEquals(1000, ((Number) db.query("SELECT count(DISTINCT id) AS n FROM " + table
                + " WHERE month = '2021-01'").get(0).get("n")).longValue());
    }

    @Test
    void failingLoadLeavesThePreviousRows() {
        db.replacePartition(table, TRIPS, month("2021-01", 1000, 0), "month", "2021-01");
        // A row from another month half-way through: the delete and the rows copied so far roll back.
        Stream<List<?>> bad = Stream.concat(month("2021-01", 700, 0), month("2021-03", 1, 5000));
        BlockException e = assertThrows(BlockException.class,
                () -> db.replacePartition(table, TRIPS, bad, "month", "2021-01"));
        assertTrue(e.getMessage().contains("outside the partition month = 2021-01"), e.getMessage());
        assertTrue(e.getMessage().contains("nothing was written"), e.getMessage());
        assertEquals(1000, count(""));
        // A value the database refuses (text in a BIGINT column) rolls back the same way.
        Stream<List<?>> refused = Stream.of(List.of("not-a-number", "2021-01", LocalDate.parse("2021-01-02"), "x", 1));
        assertThrows(BlockException.class, () -> db.replacePartition(table, TRIPS, refused, "month", "2021-01"));
        assertEquals(1000, count(""));
    }

    @Test
    void aReplacementThatWouldShrinkTheMonthIsRefusedUnlessForced() {
        db.replacePartition(table, TRIPS, month("2021-01", 1000, 0), "month", "2021-01");
        PartitionShrinkException e = assertThrows(PartitionShrinkException.class,
                () -> db.replacePartition(table, TRIPS, Stream.of(), "month", "2021-01"));
        assertTrue(e.getMessage().startsWith("refusing to replace partition month = 2021-01 of table '" + table + "'"),
                e.getMessage());
        assertTrue(e.getMessage().contains("it holds 1000 rows and the new data has 0;"), e.getMessage());
        assertEquals(1000, count(""));
        e = assertThrows(PartitionShrinkException.class,
                () -> db.replacePartition(table, TRIPS, month("2021-01", 400, 0), "month", "2021-01"));
        assertEquals(List.of(1000L, 400L), List.of(e.oldRows(), e.newRows()));
        assertEquals(1000, count(""));

        assertEquals(400, db.replacePartition(table, TRIPS, month("2021-01", 400, 0), "month", "2021-01",
                ShrinkGuard.defaults().withMinFraction(0.3)));
        assertEquals(0, db.replacePartition(table, TRIPS, Stream.of(), "month", "2021-01", ShrinkGuard.defaults().force()));
        assertEquals(0, count(""));
    }

    @Test
    void twoConcurrentReplacementsOfOneMonthLeaveExactlyOneCopy() throws Exception {
        db.replacePartition(table, TRIPS, month("2021-01", 20_000, 0), "month", "2021-01");
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<Long>> loads = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                loads.add(pool.submit(() -> {
                    start.await();
                    return db.replacePartition(table, TRIPS, month("2021-01", 20_000, 0), "month", "2021-01");
                }));
            }
            start.countDown();
            for (Future<Long> f : loads) assertEquals(20_000L, f.get());
        } finally {
            pool.shutdownNow();
        }
        assertEquals(20_000, count("WHERE month = '2021-01'"));
    }

    @Test
    void ifExistsFailRefusesReplaceRecreatesAppendAdds() {
        db.load(table, TRIPS, month("2021-01", 10, 0), IfExists.FAIL);
        BlockException e = assertThrows(BlockException.class, () -> db.load(table, TRIPS, month("2021-01", 10, 0), IfExists.FAIL));
        assertTrue(e.getMessage().contains("table '" + table + "' already exists (if-exists = FAIL)"), e.getMessage());
        db.load(table, TRIPS, month("2021-01", 10, 0), IfExists.APPEND);
        assertEquals(20, count(""));
        db.load(table, TRIPS, month("2021-01", 3, 0), IfExists.REPLACE);
        assertEquals(3, count(""));
    }

    @Test
    void badTableNameIsAnErrorNeverAnInjection() {
        db.load(table, TRIPS, month("2021-01", 5, 0), IfExists.FAIL);
        for (String evil : List.of(table + "; DROP TABLE " + table, table + "\" ; drop table x; --", "1abc", "a.b.c", "", "it's",
                "t".repeat(90))) {
            BlockException e = assertThrows(BlockException.class, () -> db.load(evil, TRIPS, month("2021-01", 1, 0), IfExists.APPEND));
            assertTrue(e.getMessage().startsWith("invalid table name"), e.getMessage());
        }
        assertThrows(BlockException.class, () -> Column.of("x; drop", "TEXT"));
        assertThrows(BlockException.class, () -> Column.of("x", "TEXT); DROP TABLE y; --"));
        assertEquals(5, count(""));
    }

    @Test
    void schemaQualifiedNamesWork() {
        db.load("public." + table, TRIPS, month("2021-01", 4, 0), IfExists.FAIL);
        assertEquals(4, count(""));
    }

    @Test
    void connectorSavedInPostgresKeepsItsPasswordEncryptedAndWorksAfterLoading(@TempDir Path home) {
        String name = "pg-" + UUID.randomUUID();
        String schema = PgSchemas.create("blocks_pg");   // the block store's own tables, away from other builds
        try (Blocks blocks = Blocks.open(BlockStores.jdbc(PgSchemas.url(schema), db.user(), db.password().reveal()),
                home.resolve("blocks.key"))) {
            blocks.save(name, db);
            try {
                String doc = (String) db.query("SELECT document FROM " + schema + ".blocks WHERE name = ?", name).get(0).get("document");
                assertTrue(doc.contains("\"password\" : \"aesgcm:v1:"), doc);
                assertFalse(doc.contains("\"password\" : \"" + db.password().reveal()), doc);
                try (SqlConnector loaded = blocks.load(name, SqlConnector.class)) {
                    assertEquals(1, ((Number) loaded.query("SELECT 1 AS one").get(0).get("one")).intValue());
                }
            } finally {
                blocks.delete(name);
            }
        } finally {
            PgSchemas.drop(schema);
        }
    }

    @Test
    void wrongPasswordErrorAndLogsNeverShowThePassword() {
        String pw = "Wr0ng-" + UUID.randomUUID();
        try (CapturedOutput out = new CapturedOutput();
             SqlConnector wrong = new SqlConnector(db.url(), null, null, null, null, db.user(), Secret.of(pw), 1, 2)) {
            BlockException e = assertThrows(BlockException.class, () -> wrong.query("SELECT 1"));
            assertTrue(e.getMessage().contains("cannot connect"), e.getMessage());
            assertFalse(e.getMessage().contains(pw));
            assertFalse(wrong.toString().contains(pw), wrong.toString());
            assertFalse(out.all().contains(pw), out.all());
            assertTrue(out.all().contains("flowcore-sql"), "the pool did log: " + out.all());
        }
    }
}
