package io.flowcore.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowcore.api.block.Secret;
import io.flowcore.blocks.sql.SqlConnector;
import io.flowcore.engine.Blocks;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class BlockCommandTests {
    static final String PASSWORD = "pw-9f8e7d-secret";

    @TempDir
    Path home;
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    int run(String... args) {
        return runWith("", Map.of(), args);
    }

    /** Runs with {@code stdin} as standard input and {@code env} as the whole environment. */
    int runWith(String stdin, Map<String, String> env, String... args) {
        CommandLine cl = FlowcoreCli.commandLine(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), env);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        String[] all = new String[args.length + 2];
        all[0] = "--home";
        all[1] = home.toString();
        System.arraycopy(args, 0, all, 2, args.length);
        return cl.execute(all);
    }

    String output() {
        return out + "\n" + err;
    }

    @Test
    void createsFromSetPairsAndTheBlockLoadsInJava() {
        assertEquals(0, runWith(PASSWORD + "\n", Map.of(), "block", "create", "sql-connector", "postgres-connector",
                "--set", "host=localhost", "--set", "port=5432", "--set", "database=ny_taxi", "--set", "user=root",
                "--set-secret", "password=-"));
        assertTrue(out.toString().contains("Created block 'postgres-connector' (sql-connector)"), output());
        try (Blocks blocks = Blocks.open(home)) {
            SqlConnector db = blocks.load("postgres-connector", SqlConnector.class);
            assertEquals("jdbc:postgresql://localhost:5432/ny_taxi", db.jdbcUrl());
            assertEquals(PASSWORD, db.password().reveal());
        }
        assertFalse(output().contains(PASSWORD), output());
    }

    @Test
    void createsFromAJsonFileWithReferencesAndInspectMasksSecrets() throws Exception {
        Path creds = Files.writeString(home.resolve("creds.json"),
                "{\"accessKeyId\":\"AKID\",\"secretAccessKey\":\"" + PASSWORD + "\"}");
        assertEquals(0, run("block", "create", "aws-credentials", "s3-creds", "--file", creds.toString()));
        assertEquals(0, run("block", "create", "s3-bucket", "lake", "--set", "bucket=dtc", "--set", "region=eu-west-1",
                "--set", "pathStyle=true", "--set", "credentials=s3-creds"));
        assertEquals(0, run("block", "inspect", "s3-creds"));
        assertTrue(out.toString().contains("s3-creds (aws-credentials)"), output());
        assertTrue(out.toString().contains("\"secretAccessKey\" : \"********\""), output());
        assertEquals(0, run("block", "inspect", "lake"));
        assertTrue(out.toString().contains("\"credentials\" : \"s3-creds\""), output());
        assertTrue(out.toString().contains("\"pathStyle\" : true"), output());
        assertFalse(output().contains(PASSWORD), output());
    }

    @Test
    void createsFromAYamlFile() throws Exception {
        Path yaml = Files.writeString(home.resolve("pg.yaml"), "url: jdbc:postgresql://db:5432/ny_taxi\nuser: root\npassword: " + PASSWORD + "\n");
        assertEquals(0, run("block", "create", "sql-connector", "pg", "--file", yaml.toString()));
        try (Blocks blocks = Blocks.open(home)) {
            assertEquals(PASSWORD, blocks.load("pg", SqlConnector.class).password().reveal());
        }
        assertFalse(output().contains(PASSWORD), output());
    }

    @Test
    void listsAndDeletes() {
        run("block", "create", "local-lake", "lake", "--set", "folder=/tmp/lake");
        run("block", "create", "duck-db-warehouse", "wh", "--set", "databaseFile=/tmp/wh.duckdb");
        out.getBuffer().setLength(0);
        assertEquals(0, run("block", "ls"));
        assertEquals("NAME  TYPE\nlake  local-lake\nwh    duck-db-warehouse\n", out.toString().replace("\r", ""));
        out.getBuffer().setLength(0);
        assertEquals(0, run("block", "ls", "--type", "local-lake"));
        assertFalse(out.toString().contains("wh "), output());
        assertEquals(0, run("block", "rm", "wh"));
        assertEquals(1, run("block", "rm", "wh"));
        assertTrue(err.toString().contains("error: no block named 'wh'"), output());
    }

    @Test
    void errorsAreOneLineNamingTheProblem() {
        assertEquals(1, run("block", "create", "gcs-buckt", "x", "--set", "bucket=b"));
        assertTrue(err.toString().contains("error: unknown block type 'gcs-buckt'; known types:"), output());
        assertTrue(err.toString().contains("gcs-bucket"), output());
        assertEquals(1, run("block", "create", "local-lake", "x", "--set", "foldr=/tmp"));
        assertTrue(err.toString().contains("error: unknown field 'foldr' for local-lake; its fields: folder"), output());
        run("block", "create", "local-lake", "y", "--set", "folder=/tmp/a");
        assertEquals(1, run("block", "create", "local-lake", "y", "--set", "folder=/tmp/b"));
        assertTrue(err.toString().contains("already exists"), output());
        assertEquals(0, run("block", "create", "local-lake", "y", "--set", "folder=/tmp/b", "--overwrite"));
        assertEquals(1, run("block", "create", "s3-bucket", "z", "--set", "bucket=b", "--set", "credentials=nope"));
        assertTrue(err.toString().contains("references 'nope', which is not saved"), output());
    }

    @Test
    void typesListsEveryRegisteredBlockType() {
        assertEquals(0, run("block", "types"));
        for (String slug : new String[] {"sql-connector", "gcp-credentials", "gcs-bucket", "big-query-warehouse",
                "aws-credentials", "s3-bucket", "local-lake", "duck-db-warehouse"}) {
            assertTrue(out.toString().contains(slug), slug + " in " + output());
        }
        assertFalse(Files.exists(home.resolve("flowcore.db")), "listing the types should not create a block database");
    }

    /** The stored document of {@code name}, read with plain SQL. */
    String document(String name) throws Exception {
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + home.resolve("flowcore.db"));
             java.sql.PreparedStatement ps = c.prepareStatement("SELECT document FROM blocks WHERE name = ?")) {
            ps.setString(1, name);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next(), name);
                return rs.getString(1);
            }
        }
    }

    @Test
    void setSecretReadsOneLineFromStdinAndTheSecretShowsNowhere() throws Exception {
        assertEquals(0, runWith(PASSWORD + "\nnext line\n", Map.of(), "block", "create", "sql-connector", "pg",
                "--set", "host=localhost", "--set", "database=ny_taxi", "--set", "user=root", "--set-secret", "password=-"));
        assertFalse(err.toString().contains("warning"), output());
        assertEquals(0, run("block", "ls"));
        assertEquals(0, run("block", "inspect", "pg"));
        assertTrue(out.toString().contains("\"password\" : \"********\""), output());
        assertFalse(output().contains(PASSWORD), output());
        assertFalse(document("pg").contains(PASSWORD), document("pg"));
        try (Blocks blocks = Blocks.open(home)) {
            assertEquals(PASSWORD, blocks.load("pg", SqlConnector.class).password().reveal());
        }
    }

    @Test
    void setSecretReadsAnEnvironmentVariableAndNamesItWhenUnset() throws Exception {
        assertEquals(0, runWith("", Map.of("PGPASSWORD", PASSWORD), "block", "create", "sql-connector", "pg",
                "--set", "url=jdbc:postgresql://db/x", "--set-secret", "password=env:PGPASSWORD"));
        try (Blocks blocks = Blocks.open(home)) {
            assertEquals(PASSWORD, blocks.load("pg", SqlConnector.class).password().reveal());
        }
        assertEquals(1, runWith("", Map.of(), "block", "create", "sql-connector", "pg2",
                "--set", "url=jdbc:postgresql://db/x", "--set-secret", "password=env:PGPASSWORD"));
        assertTrue(err.toString().contains("error: --set-secret password=env:PGPASSWORD: the environment variable"
                + " PGPASSWORD is not set"), output());
        assertEquals(1, runWith("", Map.of(), "block", "create", "sql-connector", "pg3",
                "--set", "url=jdbc:postgresql://db/x", "--set-secret", "password=-"));
        assertTrue(err.toString().contains("error: --set-secret password=-: nothing on standard input"), output());
        assertEquals(1, runWith(PASSWORD, Map.of(), "block", "create", "sql-connector", "pg4",
                "--set", "url=jdbc:postgresql://db/x", "--set-secret", "user=-"));
        assertTrue(err.toString().contains("error: --set-secret user: 'user' is not a secret field of sql-connector"
                + " (its secret fields: password); use --set"), output());
        assertFalse(output().contains(PASSWORD), output());
    }

    @Test
    void setOfASecretFieldStillWorksButWarnsThatShellHistoryShowsIt() {
        assertEquals(0, run("block", "create", "aws-credentials", "creds", "--set", "accessKeyId=AKID",
                "--set", "secretAccessKey=" + PASSWORD));
        assertTrue(err.toString().contains("warning: --set secretAccessKey=… puts a secret on the command line, where"
                + " shell history and /proc/<pid>/cmdline show it; use --set-secret secretAccessKey=- (stdin) or"
                + " --set-secret secretAccessKey=env:VARIABLE"), output());
        assertFalse(output().contains(PASSWORD), output());
    }

    @Test
    void aPasswordTypedIntoAUrlIsMovedIntoTheSecretFieldAndShowsNowhere() throws Exception {
        assertEquals(0, run("block", "create", "sql-connector", "pg",
                "--set", "url=jdbc:postgresql://db:5432/x?sslmode=require&password=" + PASSWORD));
        assertTrue(err.toString().contains("warning: --set url=… carries a password"), output());
        assertEquals(0, run("block", "ls"));
        assertEquals(0, run("block", "inspect", "pg"));
        assertTrue(out.toString().contains("\"url\" : \"jdbc:postgresql://db:5432/x?sslmode=require\""), output());
        assertTrue(out.toString().contains("\"password\" : \"********\""), output());
        assertFalse(output().contains(PASSWORD), output());
        assertFalse(document("pg").contains(PASSWORD), document("pg"));
        try (Blocks blocks = Blocks.open(home)) {
            assertEquals(PASSWORD, blocks.load("pg", SqlConnector.class).password().reveal());
        }
    }

    @Test
    void rotateKeyWithAKeyFileReencryptsEveryBlockAndReplacesTheFile() throws Exception {
        runWith(PASSWORD + "\n", Map.of(), "block", "create", "sql-connector", "pg", "--set", "url=jdbc:postgresql://db/x",
                "--set-secret", "password=-");
        run("block", "create", "local-lake", "lake", "--set", "folder=/tmp/lake");
        String before = Files.readString(home.resolve("blocks.key"));
        out.getBuffer().setLength(0);
        assertEquals(0, run("block", "rotate-key"));
        assertTrue(out.toString().startsWith("Rotated 2 blocks (lake, pg) from key id "), output());
        assertTrue(out.toString().contains("The key file " + home.resolve("blocks.key") + " now holds the new key"), output());
        assertFalse(before.equals(Files.readString(home.resolve("blocks.key"))));
        try (Blocks blocks = Blocks.open(home)) {
            assertEquals(PASSWORD, blocks.load("pg", SqlConnector.class).password().reveal());
        }
        assertFalse(output().contains(PASSWORD), output());
    }

    @Test
    void rotateKeyFromTheEnvironmentTakesTheNewKeyFromAVariableOrStdinAndSaysWhatToChange() {
        String k1 = java.util.Base64.getEncoder().encodeToString(new byte[32]);
        byte[] raw = new byte[32];
        java.util.Arrays.fill(raw, (byte) 7);
        String k2 = java.util.Base64.getEncoder().encodeToString(raw);
        raw[0] = 9;
        String k3 = java.util.Base64.getEncoder().encodeToString(raw);
        Map<String, String> env1 = Map.of("FLOWCORE_BLOCKS_KEY", k1, "PGPASSWORD", PASSWORD);
        assertEquals(0, runWith("", env1, "block", "create", "sql-connector", "pg", "--set", "url=jdbc:postgresql://db/x",
                "--set-secret", "password=env:PGPASSWORD"));
        assertEquals(1, runWith("", env1, "block", "rotate-key"));
        assertTrue(err.toString().contains("which flowcore cannot change: generate a new key"), output());

        assertEquals(0, runWith("", Map.of("FLOWCORE_BLOCKS_KEY", k1, "FLOWCORE_BLOCKS_NEW_KEY", k2),
                "block", "rotate-key", "--new-key", "env:FLOWCORE_BLOCKS_NEW_KEY"));
        assertTrue(out.toString().contains("Now set FLOWCORE_BLOCKS_KEY to the new key (key id "), output());
        assertEquals(1, runWith("", Map.of("FLOWCORE_BLOCKS_KEY", k1), "block", "inspect", "pg"));
        assertEquals(0, runWith(k3 + "\n", Map.of("FLOWCORE_BLOCKS_KEY", k2), "block", "rotate-key", "--new-key", "-"));
        assertEquals(0, runWith("", Map.of("FLOWCORE_BLOCKS_KEY", k3), "block", "inspect", "pg"));
        assertFalse(output().contains(PASSWORD) || output().contains(k2) || output().contains(k3), output());
        assertFalse(Files.exists(home.resolve("blocks.key")));
    }

    @Test
    void aSecretSavedInJavaIsMaskedByInspect() {
        try (Blocks blocks = Blocks.open(home)) {
            blocks.save("pg", SqlConnector.ofUrl("jdbc:postgresql://h/db", "u", Secret.of(PASSWORD)));
        }
        assertEquals(0, run("block", "inspect", "pg"));
        assertTrue(out.toString().contains("\"password\" : \"********\""), output());
        assertFalse(output().contains(PASSWORD), output());
    }

    @Test
    void withoutHomeOptionTheBlocksGoToTheHomeTheEnvironmentNames() {
        Path envHome = home.resolve("from-env");
        CommandLine cl = FlowcoreCli.commandLine(new ByteArrayInputStream(new byte[0]), Map.of("FLOWCORE_HOME",
                envHome.toString()));
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));

        assertEquals(0, cl.execute("block", "create", "local-lake", "lake", "--set", "folder=/tmp/lake"), output());
        try (Blocks blocks = Blocks.open(envHome)) {
            assertEquals(1, blocks.list(io.flowcore.blocks.local.LocalLake.class).size());
        }
    }

    @Test
    void blocksAreSavedInTheDatabaseTheOtherCommandsUseUnderTheKeyOfTheirEnvironment() throws Exception {
        String pg = System.getenv("FLOWCORE_PG_URL");
        boolean required = "true".equalsIgnoreCase(System.getenv("CI")) || "1".equals(System.getenv("FLOWCORE_REQUIRE_INFRA"));
        if (pg == null && !required) org.junit.jupiter.api.Assumptions.abort("FLOWCORE_PG_URL is not set");
        assertTrue(pg != null, "FLOWCORE_PG_URL is not set: run `bash .ci/test-infra.sh up`");
        String user = System.getenv().getOrDefault("FLOWCORE_PG_USER", "flowcore");
        String password = System.getenv().getOrDefault("FLOWCORE_PG_PASSWORD", "flowcore");
        String schema = "cli_blocks_" + java.util.UUID.randomUUID().toString().replace("-", "");
        try (var c = java.sql.DriverManager.getConnection(pg, user, password)) {
            c.createStatement().execute("CREATE SCHEMA " + schema);
        }
        String key = java.util.Base64.getEncoder().encodeToString(new byte[32]);
        Map<String, String> env = Map.of("FLOWCORE_DATABASE_URL", pg + (pg.contains("?") ? "&" : "?") + "currentSchema=" + schema,
                "FLOWCORE_DATABASE_USER", user, "FLOWCORE_DATABASE_PASSWORD", password, "FLOWCORE_BLOCKS_KEY", key);
        try {
            assertEquals(0, runWith(PASSWORD + "\n", env, "block", "create", "sql-connector", "pg-db",
                    "--set", "host=db", "--set", "database=ny_taxi", "--set", "user=root", "--set-secret", "password=-"), output());
            assertFalse(Files.exists(home.resolve("flowcore.db")), "not in the home's SQLite file");
            assertFalse(Files.exists(home.resolve("blocks.key")), "under the environment's key, not a new key file");
            try (io.flowcore.engine.Flowcore fc = io.flowcore.engine.Flowcore.create(cfg -> cfg.environment(env).home(home))) {
                assertEquals(PASSWORD, fc.blocks().load("pg-db", SqlConnector.class).password().reveal(),
                        "an engine on that database loads it with that key");
            }
        } finally {
            try (var c = java.sql.DriverManager.getConnection(pg, user, password)) {
                c.createStatement().execute("DROP SCHEMA " + schema + " CASCADE");
            }
        }
    }
}
