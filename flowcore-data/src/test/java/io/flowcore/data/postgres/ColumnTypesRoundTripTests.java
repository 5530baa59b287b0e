package io.flowcore.data.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowcore.data.BatchSink;
import io.flowcore.data.Column;
import io.flowcore.data.ColumnType;
import io.flowcore.data.ConversionOptions;
import io.flowcore.data.ConversionSummary;
import io.flowcore.data.FileConverter;
import io.flowcore.data.ParquetOptions;
import io.flowcore.data.RowBatch;
import io.flowcore.data.Schema;
import io.flowcore.data.SchemaDriftException;
import io.flowcore.engine.testing.TestInfra;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("DATE, BOOLEAN and DECIMAL through CSV -> Parquet -> PostgreSQL")
class ColumnTypesRoundTripTests {
    static final Schema SCHEMA = Schema.of("types",
            new Column("id", ColumnType.INT64),
            new Column("d", ColumnType.DATE),
            new Column("b", ColumnType.BOOLEAN),
            new Column("amount", ColumnType.decimal(18, 4)),
            new Column("small", ColumnType.decimal(5, 2)));

    /* id, then d, b, amount, small as PostgreSQL prints them; empty cells are nulls. */
    static final List<String> EXPECTED = List.of(
            "1|1970-01-01|true|-99999999999999.9999|-999.99",
            "2|1969-12-31|false|99999999999999.9999|999.99",
            "3|1900-02-28|true|0.0000|0.05",
            "4|null|null|null|null",
            "5|2024-02-29|false|-0.0001|-0.50",
            "6|0001-01-01|true|12.3000|7.00");

    @TempDir
    Path dir;

    @Test
    void edgeValuesSurviveCsvToParquetToPostgresql() throws Exception {
        Path csv = dir.resolve("types.csv");
        Files.writeString(csv, """
                id,d,b,amount,small
                1,1970-01-01,true,-99999999999999.9999,-999.99
                2,1969-12-31,FALSE,99999999999999.9999,999.99
                3,1900-02-28,t,0,.05
                4,,,,
                5,2024-02-29,0,-0.0001,-0.5
                6,0001-01-01,1,12.3,7
                """);
        Path parquet = dir.resolve("types.parquet");
        ConversionSummary s = new FileConverter(ConversionOptions.defaults().withMaxBadRowShare(0))
                .toParquet(csv, SCHEMA, parquet, ParquetOptions.defaults());
        assertEquals(6, s.rowsWritten());
        assertEquals(List.of(), s.schemaChanges(), "the file has the target schema");

        // Parquet -> batches again: the decimals come back as values, the dates as the same days
        List<String> fromParquet = read(parquet, SCHEMA);
        assertEquals(EXPECTED.get(0).replace("|true|", "|1|"), fromParquet.get(0));
        assertEquals("4|null|null|null|null", fromParquet.get(3));

        try (TestInfra.PgSchema pgSchema = TestInfra.PgSchema.create("data_types");
             Connection pg = DriverManager.getConnection(pgSchema.url(), pgSchema.pg().user(), pgSchema.pg().password())) {
            String table = pgSchema.name() + ".types";
            new PostgresLoader(ConversionOptions.defaults().withMaxBadRowShare(0)).load(pg, table, parquet, SCHEMA, true);
            List<String> back = new ArrayList<>();
            try (Statement st = pg.createStatement(); ResultSet rs = st.executeQuery(
                    "SELECT id, d::text, b, amount::text, small::text FROM " + table + " ORDER BY id")) {
                while (rs.next()) {
                    back.add(rs.getLong(1) + "|" + rs.getString(2) + "|" + (rs.getObject(3) == null ? "null" : rs.getBoolean(3))
                            + "|" + rs.getString(4) + "|" + rs.getString(5));
                }
            }
            assertEquals(EXPECTED, back);
            try (Statement st = pg.createStatement(); ResultSet rs = st.executeQuery(
                    "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = '" + table
                            + "'::regclass AND attnum > 0 ORDER BY attnum")) {
                List<String> types = new ArrayList<>();
                while (rs.next()) types.add(rs.getString(1));
                assertEquals(List.of("bigint", "date", "boolean", "numeric(18,4)", "numeric(5,2)"), types);
            }
        }
    }

    @Test
    void aBadCellIsARejectNamingTheLineAndTheColumn() throws Exception {
        Path csv = dir.resolve("bad.csv");
        Files.writeString(csv, """
                id,d,b,amount,small
                1,2021-02-30,true,1,1
                2,2021-02-01,maybe,1,1
                3,2021-02-01,true,1.00001,1
                4,2021-02-01,true,1,1000
                5,2021-02-01,true,1,1
                """);
        Path rejects = dir.resolve("bad.rejects.csv");
        ConversionSummary s = new FileConverter(ConversionOptions.defaults().withMaxBadRowShare(1).withRejectsFile(rejects))
                .toParquet(csv, SCHEMA, dir.resolve("bad.parquet"), ParquetOptions.defaults());
        assertEquals(1, s.rowsWritten());
        assertEquals(4, s.rowsRejected());
        List<String> lines = Files.readAllLines(rejects);
        assertTrue(lines.get(1).startsWith("\"bad.csv\",2,\"d: not a date (yyyy-MM-dd) '2021-02-30'\""), lines.get(1));
        assertTrue(lines.get(2).startsWith("\"bad.csv\",3,\"b: not a boolean"), lines.get(2));
        assertTrue(lines.get(3).startsWith("\"bad.csv\",4,\"amount: not a DECIMAL(18,4) '1.00001'\""), lines.get(3));
        assertTrue(lines.get(4).startsWith("\"bad.csv\",5,\"small: not a DECIMAL(5,2) '1000'\""), lines.get(4));
    }

    @Test
    void aForeignParquetDecimalIsReadAsItsValueNeverAsTheUnscaledInteger() throws Exception {
        Path parquet = dir.resolve("duck.parquet");
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:"); Statement st = duck.createStatement()) {
            // DuckDB stores DECIMAL(10,2) as INT64 and DECIMAL(30,1) as FIXED_LEN_BYTE_ARRAY
            st.execute("COPY (SELECT * FROM (VALUES (1, 12.34::DECIMAL(10,2), -7.5::DECIMAL(30,1)),"
                    + " (2, -0.01::DECIMAL(10,2), 123.4::DECIMAL(30,1))) t(id, price, big)) TO '" + parquet + "' (FORMAT parquet)");
        }
        Schema target = Schema.of("prices", new Column("id", ColumnType.INT64), new Column("price", ColumnType.DOUBLE),
                new Column("big", ColumnType.decimal(10, 2)));
        assertEquals(List.of("1|12.34|-7.50", "2|-0.01|123.40"), read(parquet, target));

        Schema tooNarrow = target.withType("big", ColumnType.decimal(3, 2));
        SchemaDriftException e = assertThrows(SchemaDriftException.class, () -> read(parquet, tooNarrow));
        assertTrue(e.getMessage().contains("column big") && e.getMessage().contains("row 2 has 123.4"), e.getMessage());
        Schema fewerPlaces = target.withType("big", ColumnType.decimal(10, 0));
        assertThrows(SchemaDriftException.class, () -> read(parquet, fewerPlaces), "rounding 123.4 to 123 is not a safe mapping");
    }

    /* Every row of `file` read onto `schema`, as id|cell|cell..., decimals as values. */
    private List<String> read(Path file, Schema schema) throws Exception {
        List<String> rows = new ArrayList<>();
        BatchSink collect = new BatchSink() {
            @Override
            public void write(RowBatch b) {
                for (int r = 0; r < b.size(); r++) {
                    StringBuilder line = new StringBuilder();
                    for (int c = 0; c < schema.size(); c++) {
                        if (c > 0) line.append('|');
                        ColumnType t = schema.column(c).type();
                        line.append(b.isNull(c, r) ? "null"
                                : t instanceof ColumnType.Decimal ? b.getDecimal(c, r).toPlainString()
                                : t instanceof ColumnType.Date ? java.time.LocalDate.ofEpochDay(b.getLong(c, r)).toString()
                                : t.equals(ColumnType.DOUBLE) ? String.valueOf(b.getDouble(c, r))
                                : String.valueOf(b.getLong(c, r)));
                    }
                    rows.add(line.toString());
                }
            }

            @Override
            public void commit() {
            }

            @Override
            public void close() {
            }
        };
        new FileConverter(ConversionOptions.defaults().withMaxBadRowShare(0)).convert(file, schema, collect);
        return rows;
    }
}
