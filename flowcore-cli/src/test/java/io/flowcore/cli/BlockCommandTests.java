package io.flowcore.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowcore.api.block.Secret;
import io.flowcore.blocks.sql.SqlConnector;
import io.flowcore.engine.Blocks;
import java.io.PrintWriter;
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
        CommandLine cl = FlowcoreCli.commandLine();
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
        assertEquals(0, run("block", "create", "sql-connector", "postgres-connector", "--set", "host=localhost",
                "--set", "port=5432", "--set", "database=ny_taxi", "--set", "user=root", "--set", "password=" + PASSWORD));
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

    @Test
    void aSecretSavedInJavaIsMaskedByInspect() {
        try (Blocks blocks = Blocks.open(home)) {
            blocks.save("pg", SqlConnector.ofUrl("jdbc:postgresql://h/db", "u", Secret.of(PASSWORD)));
        }
        assertEquals(0, run("block", "inspect", "pg"));
        assertTrue(out.toString().contains("\"password\" : \"********\""), output());
        assertFalse(output().contains(PASSWORD), output());
    }
}
