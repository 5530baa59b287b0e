package io.flowcore.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowcore.api.block.Block;
import io.flowcore.api.block.BlockException;
import io.flowcore.api.block.BlockRef;
import io.flowcore.api.block.Secret;
import io.flowcore.engine.TestBlocks.TestBucket;
import io.flowcore.engine.TestBlocks.TestCredentials;
import io.flowcore.engine.TestBlocks.TestDatabase;
import io.flowcore.engine.TestBlocks.Unregistered;
import io.flowcore.api.block.KeyRotation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlocksTests {
    static final String PASSWORD = "pg-pass-7f3a9c";
    static final String TOKEN = "tok-0d9e11";

    @TempDir
    Path home;

    private static TestDatabase db(String password) {
        return new TestDatabase("jdbc:postgresql://db/x", "app", Secret.of(password), Secret.of(TOKEN));
    }

    @Test
    void savedBlockLoadsBackEqualWithItsSecrets() {
        try (Blocks blocks = Blocks.open(home)) {
            blocks.save("pg", db(PASSWORD));
            TestDatabase loaded = blocks.load("pg", TestDatabase.class);
            assertEquals(db(PASSWORD), loaded);
            assertEquals(PASSWORD, loaded.password().reveal());
        }
        try (Blocks reopened = Blocks.open(home)) {
            assertEquals(PASSWORD, reopened.load("pg", TestDatabase.class).password().reveal());
        }
    }

    @Test
    void secretColumnHoldsCiphertextNotThePlaintext() throws Exception {
        try (Blocks blocks = Blocks.open(home)) {
            blocks.save("pg", db(PASSWORD));
            blocks.save("pg2", db(PASSWORD));
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + home.resolve("flowcore.db"));
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT name, type_slug, document FROM blocks ORDER BY name")) {
            assertTrue(rs.next());
            String doc1 = rs.getString(3);
            assertEquals("test-database", rs.getString(2));
            assertFalse(doc1.contains(PASSWORD), doc1);
            assertFalse(doc1.contains(TOKEN), doc1);
            assertTrue(doc1.contains("\"password\" : \"aesgcm:v1:"), doc1);
            assertTrue(doc1.contains("jdbc:postgresql://db/x"), "non-secret fields stay readable: " + doc1);
            assertTrue(rs.next());
            // A random IV per value: the same secret encrypts differently each time.
            assertNotEquals(field(doc1, "password"), field(rs.getString(3), "password"));
        }
    }

    @Test
    void keyFileIsCreatedOwnerOnlyOnFirstSave() throws Exception {
        try (Blocks blocks = Blocks.open(home)) {
            blocks.save("pg", db(PASSWORD));
        }
        Path key = home.resolve("blocks.key");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
        assertEquals(32, java.util.Base64.getDecoder().decode(Files.readString(key).trim()).length);
    }

    @Test
    void wrongKeyFailsClearlyInsteadOfReturningGarbage() throws Exception {
        try (Blocks blocks = Blocks.open(home)) {
            blocks.save("pg", db(PASSWORD));
        }
        Files.writeString(home.resolve("blocks.key"), java.util.Base64.getEncoder().encodeToString(new byte[32]));
        try (Blocks blocks = Blocks.open(home)) {
            BlockException e = assertThrows(BlockException.class, () -> blocks.load("pg", TestDatabase.class));
            assertTrue(e.getMessage().startsWith("cannot load block 'pg' (test-database)"), e.getMessage());
            assertTrue(e.getMessage().contains("not the key it was saved with"), e.getMessage());
        }
    }

    @Test
    void missingKeyFailsClearlyAndCreatesNoNewKey() throws Exception {
        try (Blocks blocks = Blocks.open(home)) {
            blocks.save("pg", db(PASSWORD));
        }
        Files.delete(home.resolve("blocks.key"));
        try (Blocks blocks = Blocks.open(home)) {
            BlockException e = assertThrows(BlockException.class, () -> blocks.load("pg", TestDatabase.class));
            assertTrue(e.getMessage().contains("there is no blocks key: set FLOWCORE_BLOCKS_KEY"), e.getMessage());
            assertTrue(e.getMessage().contains(home.resolve("blocks.key").toString()), e.getMessage());
            assertFalse(Files.exists(home.resolve("blocks.key")));
        }
    }

    @Test
    void keyFileReadableByOthersIsRefused() throws Exception {
        try (Blocks blocks = Blocks.open(home)) {
            blocks.save("pg", db(PASSWORD));
        }
        Files.setPosixFilePermissions(home.resolve("blocks.key"), PosixFilePermissions.fromString("rw-r--r--"));
        try (Blocks blocks = Blocks.open(home)) {
            BlockException e = assertThrows(BlockException.class, () -> blocks.load("pg", TestDatabase.class));
            assertTrue(e.getMessage().contains("chmod 600"), e.getMessage());
        }
    }

    @Test
    void ciphertextMovedToAnotherFieldIsCaught() throws Exception {
        try (Blocks blocks = Blocks.open(home)) {
            blocks.save("pg", db(PASSWORD));
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + home.resolve("flowcore.db"));
             Statement s = c.createStatement()) {
            ResultSet rs = s.executeQuery("SELECT document FROM blocks WHERE name = 'pg'");
            rs.next();
            String doc = rs.getString(1);
            String swapped = doc.replace(field(doc, "token"), field(doc, "password"));
            s.executeUpdate("UPDATE blocks SET document = '" + swapped + "' WHERE name = 'pg'");
        }
        try (Blocks blocks = Blocks.open(home)) {
            // The document's signature catches it first (the field path in each ciphertext's
            // associated data still guards documents saved before signatures).
            BlockException e = assertThrows(BlockException.class, () -> blocks.load("pg", TestDatabase.class));
            assertTrue(e.getMessage().contains("block 'pg' (test-database) was modified outside flowcore"), e.getMessage());
        }
    }

    @Test
    void secretsNeverPrintInToStringOrMaskedJson() {
        TestDatabase d = db(PASSWORD);
        assertFalse(d.toString().contains(PASSWORD), d.toString());
        assertTrue(d.toString().contains("password=********"), d.toString());
        try (Blocks blocks = Blocks.open(home)) {
            String json = blocks.toMaskedJson(d);
            assertFalse(json.contains(PASSWORD), json);
            assertTrue(json.contains("\"password\" : \"********\""), json);
        }
    }

    @Test
    void overwritingNeedsTheExplicitFlag() {
        try (Blocks blocks = Blocks.open(home)) {
            blocks.save("pg", db(PASSWORD));
            BlockException e = assertThrows(BlockException.class, () -> blocks.save("pg", db("other")));
            assertTrue(e.getMessage().contains("'pg' already exists (type test-database)"), e.getMessage());
            assertTrue(e.getMessage().contains("overwrite"), e.getMessage());
            assertEquals(PASSWORD, blocks.load("pg", TestDatabase.class).password().reveal());
            blocks.save("pg", db("other"), true);
            assertEquals("other", blocks.load("pg", TestDatabase.class).password().reveal());
        }
    }

    @Test
    void loadingAMissingNameNamesItAndListsSavedBlocksOfTheType() {
        try (Blocks blocks = Blocks.open(home)) {
            blocks.save("pg-a", db(PASSWORD));
            blocks.save("pg-b", db(PASSWORD));
            BlockException e = assertThrows(BlockException.class, () -> blocks.load("pg-c", TestDatabase.class));
            assertEquals("no block named 'pg-c' of type test-database; saved test-database blocks: pg-a, pg-b", e.getMessage());
        }
    }

    @Test
    void loadingTheWrongTypeNamesBothTypes() {
        try (Blocks blocks = Blocks.open(home)) {
            blocks.save("pg", db(PASSWORD));
            blocks.save("creds", new TestCredentials(Secret.of("{}"), "p"));
            BlockException e = assertThrows(BlockException.class, () -> blocks.load("pg", TestCredentials.class));
            assertEquals("block 'pg' is a test-database, not a test-credentials (TestCredentials);"
                    + " saved test-credentials blocks: creds", e.getMessage());
        }
    }

    @Test
    void referencedBlocksAreSavedByNameAndResolvedOnLoad() {
        try (Blocks blocks = Blocks.open(home)) {
            blocks.save("creds", new TestCredentials(Secret.of("{\"k\":1}"), "proj"));
            blocks.save("lake", new TestBucket("b1", BlockRef.named("creds")));
            TestBucket lake = blocks.load("lake", TestBucket.class);
            assertEquals("creds", lake.credentials().name());
            assertEquals("proj", lake.credentials().get().project());
            assertEquals("{\"k\":1}", lake.credentials().get().serviceAccountJson().reveal());
            // Only the name is stored: changing the credentials block changes what the bucket sees.
            blocks.save("creds", new TestCredentials(Secret.of("{}"), "proj2"), true);
            assertEquals("proj2", blocks.load("lake", TestBucket.class).credentials().get().project());
        }
    }

    @Test
    void referenceToAnUnsavedOrWrongTypedBlockIsRefusedOnSave() {
        try (Blocks blocks = Blocks.open(home)) {
            BlockException e = assertThrows(BlockException.class,
                    () -> blocks.save("lake", new TestBucket("b1", BlockRef.named("nope"))));
            assertTrue(e.getMessage().contains("references 'nope', which is not saved: save that test-credentials block first"),
                    e.getMessage());
            blocks.save("pg", db(PASSWORD));
            e = assertThrows(BlockException.class, () -> blocks.save("lake", new TestBucket("b1", BlockRef.named("pg"))));
            assertTrue(e.getMessage().contains("which is a test-database, not a test-credentials"), e.getMessage());
            assertEquals(Map.of("pg", "test-database"), blocks.list());
        }
    }

    @Test
    void deletedReferenceMakesTheReferencingBlockFailNamingBoth() {
        try (Blocks blocks = Blocks.open(home)) {
            blocks.save("creds", new TestCredentials(Secret.of("{}"), "p"));
            blocks.save("lake", new TestBucket("b1", BlockRef.named("creds")));
            assertTrue(blocks.delete("creds"));
            assertFalse(blocks.delete("creds"));
            BlockException e = assertThrows(BlockException.class, () -> blocks.load("lake", TestBucket.class));
            assertTrue(e.getMessage().startsWith("block 'lake' (test-bucket-v1) references 'creds', which cannot be loaded"),
                    e.getMessage());
        }
    }

    @Test
    void listsNamesByTypeAndAll() {
        try (Blocks blocks = Blocks.open(home)) {
            blocks.save("b", db(PASSWORD));
            blocks.save("a", db(PASSWORD));
            blocks.save("c", new TestCredentials(Secret.of("{}"), "p"));
            assertEquals(List.of("a", "b"), blocks.list(TestDatabase.class));
            assertEquals(List.of("a", "b", "c"), List.copyOf(blocks.list().keySet()));
        }
    }

    @Test
    void slugsComeFromTheClassNameUnlessAnnotated() {
        assertEquals("test-database", Block.slugOf(TestDatabase.class));
        assertEquals("test-bucket-v1", Block.slugOf(TestBucket.class));
        record GcsBucket(String b) implements Block { }
        record BigQueryWarehouse(String b) implements Block { }
        record S3Bucket(String b) implements Block { }
        assertEquals("gcs-bucket", Block.slugOf(GcsBucket.class));
        assertEquals("big-query-warehouse", Block.slugOf(BigQueryWarehouse.class));
        assertEquals("s3-bucket", Block.slugOf(S3Bucket.class));
        assertEquals("a database for tests", Block.descriptionOf(TestDatabase.class));
    }

    @Test
    void typesRegisteredWithServiceLoaderLoadWithoutNamingTheClass() {
        try (Blocks blocks = Blocks.open(home)) {
            assertTrue(blocks.types().keySet().containsAll(List.of("test-database", "test-credentials", "test-bucket-v1")));
            blocks.save("pg", db(PASSWORD));
            assertEquals(db(PASSWORD), blocks.load("pg"));
        }
    }

    @Test
    void invalidNameIsRefused() {
        try (Blocks blocks = Blocks.open(home)) {
            BlockException e = assertThrows(BlockException.class, () -> blocks.save("a b'; drop", new Unregistered("x")));
            assertTrue(e.getMessage().startsWith("invalid block name 'a b'; drop'"), e.getMessage());
        }
    }

    @Test
    void unknownFieldInTypedJsonIsAnErrorNamingIt() {
        try (Blocks blocks = Blocks.open(home)) {
            TestDatabase d = blocks.fromJson("{\"url\":\"u\",\"user\":\"x\",\"password\":\"" + PASSWORD + "\"}", TestDatabase.class);
            assertEquals(PASSWORD, d.password().reveal());
            BlockException e = assertThrows(BlockException.class,
                    () -> blocks.fromJson("{\"ur\":\"u\"}", TestDatabase.class));
            assertEquals("unknown field 'ur' for test-database; its fields: url, user, password, token", e.getMessage());
        }
    }

    @Test
    void rotateKeyReencryptsEveryBlockUnderANewKeyFileAndTheOldKeyNoLongerReadsThem() throws Exception {
        try (Blocks blocks = Blocks.open(home)) {
            blocks.save("pg", db(PASSWORD));
            blocks.save("creds", new TestCredentials(Secret.of("{}"), "p"));
        }
        String oldKey = Files.readString(home.resolve("blocks.key"));
        KeyRotation r;
        try (Blocks blocks = Blocks.open(home)) {
            r = blocks.rotateKey();
            assertEquals(PASSWORD, blocks.load("pg", TestDatabase.class).password().reveal());
        }
        assertEquals(List.of("creds", "pg"), r.blocks());
        assertNotEquals(r.previousKeyId(), r.newKeyId());
        assertNotEquals(oldKey, Files.readString(home.resolve("blocks.key")));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve("blocks.key"))));
        try (Blocks blocks = Blocks.open(home)) {
            assertEquals(db(PASSWORD), blocks.load("pg", TestDatabase.class));
        }
        Files.writeString(home.resolve("blocks.key"), oldKey);
        try (Blocks blocks = Blocks.open(home)) {
            BlockException e = assertThrows(BlockException.class, () -> blocks.load("pg", TestDatabase.class));
            assertTrue(e.getMessage().contains("(key id " + r.newKeyId() + ")"), e.getMessage());
        }
    }

    @Test
    void engineOpensBlocksInItsHome() {
        try (Flowcore fc = Flowcore.create(cfg -> cfg.home(home))) {
            fc.blocks().save("pg", db(PASSWORD));
        }
        try (Blocks blocks = Blocks.open(home)) {
            assertEquals(db(PASSWORD), blocks.load("pg", TestDatabase.class));
        }
    }

    private static String field(String json, String name) {
        int i = json.indexOf("\"" + name + "\" : \"") + name.length() + 6;
        return json.substring(i, json.indexOf('"', i));
    }
}
