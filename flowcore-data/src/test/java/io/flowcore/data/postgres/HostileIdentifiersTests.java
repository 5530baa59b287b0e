package io.flowcore.data.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowcore.data.Column;
import io.flowcore.data.ColumnType;
import io.flowcore.data.ConversionOptions;
import io.flowcore.data.Schema;
import io.flowcore.engine.testing.TestInfra;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Table and column names on the PostgreSQL path")
class HostileIdentifiersTests {
    static final Schema SCHEMA = Schema.of("t", new Column("id", ColumnType.INT64), new Column("name", ColumnType.TEXT));

    @Test
    void aHostileTableNameIsRefusedNamingIt() {
        String ninety = "t".repeat(90);
        for (String evil : List.of("x; DROP TABLE y", "x\"; DROP TABLE y; --", "it's", ninety, "a.b.c", "1abc", "")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> PostgresSql.createTableIfNotExists(evil, SCHEMA), evil);
            String shown = evil.length() > 80 ? evil.substring(0, 80) : evil;
            assertTrue(e.getMessage().startsWith("invalid table name '" + shown), e.getMessage());
        }
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PostgresSql.createTableIfNotExists(ninety, SCHEMA))
                .getMessage().contains("(90 characters)"));
    }

    @Test
    void aHostileColumnNameIsRefusedNamingIt() {
        Schema evil = Schema.of("t", new Column("id", ColumnType.INT64), new Column("x\"; DROP TABLE y; --", ColumnType.TEXT));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PostgresSql.columnList(evil));
        assertTrue(e.getMessage().startsWith("invalid column name 'x\"; DROP TABLE y; --'"), e.getMessage());
    }

    @Test
    void validNamesAreQuotedKeepingTheirCase() {
        assertEquals("CREATE TABLE IF NOT EXISTS \"public\".\"Trips\" (\"id\" bigint, \"name\" text)",
                PostgresSql.createTableIfNotExists("public.Trips", SCHEMA));
    }

    @Test
    void theLoaderRefusesAHostileTableBeforeSendingAnything(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("rows.csv");
        Files.writeString(csv, "id,name\n1,a\n");
        try (TestInfra.PgSchema s = TestInfra.PgSchema.create("data_ident");
             Connection pg = DriverManager.getConnection(s.url(), s.pg().user(), s.pg().password())) {
            String victim = s.name() + ".victim";
            try (Statement st = pg.createStatement()) {
                st.execute("CREATE TABLE " + victim + " (id bigint)");
                st.execute("INSERT INTO " + victim + " VALUES (7)");
            }
            PostgresLoader loader = new PostgresLoader(ConversionOptions.defaults());
            for (String evil : List.of("x; DROP TABLE " + victim, "x\"; DROP TABLE " + victim + "; --")) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> loader.load(pg, evil, csv, SCHEMA, true));
                assertTrue(e.getMessage().startsWith("invalid table name 'x"), e.getMessage());
            }
            new PostgresLoader(ConversionOptions.defaults()).load(pg, s.name() + ".Loaded", csv, SCHEMA, true);
            try (Statement st = pg.createStatement();
                 ResultSet victimRows = st.executeQuery("SELECT count(*) FROM " + victim)) {
                victimRows.next();
                assertEquals(1, victimRows.getLong(1), "the victim table is untouched");
            }
            try (Statement st = pg.createStatement();
                 ResultSet loaded = st.executeQuery("SELECT name FROM " + s.name() + ".\"Loaded\"")) {
                loaded.next();
                assertEquals("a", loaded.getString(1), "a mixed-case name is quoted, so it keeps its case");
            }
        }
    }
}
