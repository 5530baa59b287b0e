package io.flowcore.blocks.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowcore.api.block.BlockException;
import io.flowcore.api.block.Secret;
import io.flowcore.blocks.testing.CapturedOutput;
import io.flowcore.engine.Blocks;
import io.flowcore.engine.BlockStores;
import io.flowcore.engine.testing.TestInfra;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A password written into a SqlConnector's URL is moved into its encrypted password field: it appears
 * nowhere else (URL, toString, masked JSON, stored document, logs, errors).
 */
class SqlConnectorUrlPasswordTests {
    static final String PW = "Pw-3e1d-in-url";

    @TempDir
    Path home;

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "jdbc:postgresql://h:5432/db?password=" + PW + "|jdbc:postgresql://h:5432/db",
            "jdbc:postgresql://h/db?ssl=true&PassWord=" + PW + "|jdbc:postgresql://h/db?ssl=true",
            "jdbc:postgresql://h/db?PASSWORD=" + PW + "&ssl=true&user=app|jdbc:postgresql://h/db?ssl=true&user=app",
            "jdbc:postgresql://h/db?a=1&password=" + PW + "&b=2|jdbc:postgresql://h/db?a=1&b=2",
            "jdbc:sqlserver://h:1433;databaseName=db;password=" + PW + ";encrypt=true|jdbc:sqlserver://h:1433;databaseName=db;encrypt=true",
    })
    void aPasswordParameterInAnyCaseIsMovedIntoTheSecretField(String url, String without) {
        SqlConnector c = SqlConnector.ofUrl(url, "app", null);
        assertEquals(without, c.url());
        assertEquals(without, c.jdbcUrl());
        assertEquals(PW, c.password().reveal());
        assertFalse(c.toString().contains(PW), c.toString());
    }

    @Test
    void aPercentEncodedPasswordIsDecodedAsTheDriverWould() {
        SqlConnector c = SqlConnector.ofUrl("jdbc:postgresql://h/db?password=a%26b%3Dc", null, null);
        assertEquals("a&b=c", c.password().reveal());
        assertEquals("jdbc:postgresql://h/db", c.url());
    }

    @Test
    void userAndPasswordBeforeTheHostAreMovedIntoTheirFields() {
        SqlConnector c = SqlConnector.ofUrl("jdbc:mysql://root:" + PW + "%40x@db:3306/shop?useSSL=true", null, null);
        assertEquals("jdbc:mysql://db:3306/shop?useSSL=true", c.url());
        assertEquals("root", c.user());
        assertEquals(PW + "@x", c.password().reveal());
        SqlConnector userOnly = SqlConnector.ofUrl("jdbc:postgresql://app@db/shop", null, null);
        assertEquals("jdbc:postgresql://app@db/shop", userOnly.url(), "a user alone is no secret and stays");
        assertNull(userOnly.password());
    }

    @Test
    void theSamePasswordInUrlAndFieldIsAcceptedAndADifferentOneRefusedWithoutShowingEither() {
        assertEquals(PW, SqlConnector.ofUrl("jdbc:postgresql://h/db?password=" + PW, "u", Secret.of(PW)).password().reveal());
        BlockException e = assertThrows(BlockException.class,
                () -> SqlConnector.ofUrl("jdbc:postgresql://h/db?password=" + PW, "u", Secret.of("other-pw")));
        assertEquals("sql-connector: the url carries a password and 'password' is set to another value: give the"
                + " password once, in 'password'", e.getMessage());
        BlockException twice = assertThrows(BlockException.class,
                () -> SqlConnector.ofUrl("jdbc:postgresql://h/db?password=" + PW + "&password=x", "u", null));
        assertFalse(twice.getMessage().contains(PW), twice.getMessage());
    }

    @Test
    void aConnectorTypedWithThePasswordInItsUrlIsStoredWithItOnlyAsCiphertext() throws Exception {
        try (CapturedOutput out = new CapturedOutput(); Blocks blocks = Blocks.open(home)) {
            SqlConnector typed = blocks.fromJson("{\"url\":\"jdbc:postgresql://h/db?sslmode=require&password=" + PW + "\"}",
                    SqlConnector.class);
            blocks.save("pg", typed);
            assertFalse(blocks.toMaskedJson(typed).contains(PW), blocks.toMaskedJson(typed));
            SqlConnector loaded = blocks.load("pg", SqlConnector.class);
            assertEquals("jdbc:postgresql://h/db?sslmode=require", loaded.url());
            assertEquals(PW, loaded.password().reveal());
            assertFalse(out.all().contains(PW), out.all());
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + home.resolve("flowcore.db"));
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT document FROM blocks")) {
            assertTrue(rs.next());
            String doc = rs.getString(1);
            assertFalse(doc.contains(PW), doc);
            assertTrue(doc.contains("\"password\" : \"aesgcm:v1:"), doc);
        }
    }

    @Test
    void aPostgresConnectorWithThePasswordInItsUrlConnectsAfterSavingAndLoadingInPostgres() throws Exception {
        TestInfra.Postgres pg = TestInfra.postgres();
        String schema = "url_pw_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection admin = DriverManager.getConnection(pg.url(), pg.user(), pg.password());
             Statement s = admin.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
            try {
                String storeUrl = pg.url() + (pg.url().contains("?") ? "&" : "?") + "currentSchema=" + schema;
                String withPassword = pg.url() + (pg.url().contains("?") ? "&" : "?") + "password=" + pg.password();
                try (CapturedOutput out = new CapturedOutput();
                     Blocks blocks = Blocks.open(BlockStores.jdbc(storeUrl, pg.user(), pg.password()), home.resolve("blocks.key"))) {
                    blocks.save("pg", SqlConnector.ofUrl(withPassword, pg.user(), null));
                    try (SqlConnector loaded = blocks.load("pg", SqlConnector.class)) {
                        assertEquals(1, ((Number) loaded.query("SELECT 1 AS one").get(0).get("one")).intValue());
                    }
                    String wrong = "Wr0ng-" + UUID.randomUUID();
                    try (SqlConnector bad = SqlConnector.ofUrl(pg.url() + "?PASSWORD=" + wrong, pg.user(), null)) {
                        BlockException e = assertThrows(BlockException.class, () -> bad.query("SELECT 1"));
                        assertFalse(e.getMessage().contains(wrong), e.getMessage());
                        assertFalse(out.all().contains(wrong), out.all());
                    }
                }
                try (ResultSet rs = s.executeQuery("SELECT document FROM " + schema + ".blocks WHERE name = 'pg'")) {
                    assertTrue(rs.next());
                    assertFalse(rs.getString(1).contains("password=" + pg.password()), rs.getString(1));
                    assertTrue(rs.getString(1).contains("\"password\" : \"aesgcm:v1:"), rs.getString(1));
                }
            } finally {
                s.execute("DROP SCHEMA " + schema + " CASCADE");
            }
        }
    }
}
