package io.flowcore.engine.internal.blocks;

import io.flowcore.api.block.KeyRotation;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.flowcore.api.block.BlockException;
import io.flowcore.api.block.BlockRef;
import io.flowcore.api.block.BlockStore;
import io.flowcore.api.block.BlockStore.Document;
import io.flowcore.api.block.Secret;
import io.flowcore.engine.TestBlocks.TestBucket;
import io.flowcore.engine.TestBlocks.TestCredentials;
import io.flowcore.engine.TestBlocks.TestDatabase;
import io.flowcore.engine.testing.TestInfra;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

/**
 * Whole-document signatures, key ids and key rotation, on every block store: in memory, SQLite and the
 * real PostgreSQL (a fresh schema per test, dropped afterwards).
 */
class BlockIntegrityTests {
    static final String PASSWORD = "pg-pass-51c0de";
    static final String TOKEN = "tok-a11ce";

    @TempDir
    Path dir;
    final List<AutoCloseable> cleanup = new ArrayList<>();

    static Stream<String> stores() {
        return Stream.of("in-memory", "sqlite", "postgresql");
    }

    /** One store per test; catalogs built on it share it (and do not close it). */
    BlockStore store(String kind) {
        BlockStore s = switch (kind) {
            case "in-memory" -> BlockStoreFactory.inMemory();
            case "sqlite" -> BlockStoreFactory.sqlite(dir.resolve("flowcore.db"));
            default -> postgresInFreshSchema();
        };
        cleanup.addFirst(s);
        return s;
    }

    private BlockStore postgresInFreshSchema() {
        TestInfra.Postgres pg = TestInfra.postgres();
        String schema = "blocks_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        sql(pg, "CREATE SCHEMA " + schema);
        cleanup.add(() -> sql(pg, "DROP SCHEMA " + schema + " CASCADE"));
        return BlockStoreFactory.jdbc(pg.url() + (pg.url().contains("?") ? "&" : "?") + "currentSchema=" + schema,
                pg.user(), pg.password());
    }

    private static void sql(TestInfra.Postgres pg, String statement) {
        try (Connection c = DriverManager.getConnection(pg.url(), pg.user(), pg.password()); Statement s = c.createStatement()) {
            s.execute(statement);
        } catch (java.sql.SQLException e) {
            throw new AssertionError(statement + ": " + e.getMessage(), e);
        }
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : cleanup) c.close();
    }

    static String key(int fill) {
        byte[] k = new byte[32];
        java.util.Arrays.fill(k, (byte) fill);
        return Base64.getEncoder().encodeToString(k);
    }

    BlockCatalog withKeyFile(BlockStore store) {
        return new BlockCatalog(store, new BlocksKey(Map.of(), dir.resolve("blocks.key")));
    }

    BlockCatalog withEnvKey(BlockStore store, String key) {
        return new BlockCatalog(store, new BlocksKey(Map.of("FLOWCORE_BLOCKS_KEY", key), dir.resolve("unused.key")));
    }

    static TestDatabase db(String url) {
        return new TestDatabase(url, "app", Secret.of(PASSWORD), Secret.of(TOKEN));
    }

    static Document tamper(BlockStore store, String name, String from, String to) {
        Document d = store.find(name).orElseThrow();
        assertTrue(d.json().contains(from), d.json());
        Document changed = new Document(d.name(), d.typeSlug(), d.json().replace(from, to));
        store.save(changed, true);
        return changed;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void eachDocumentCarriesItsKeyIdAndASignatureBesideTheReadableFields(String kind) {
        BlockStore store = store(kind);
        BlockCatalog blocks = withEnvKey(store, key(1));
        blocks.save("pg", db("jdbc:postgresql://db/x"), false);
        String json = store.find("pg").orElseThrow().json();
        String keyId = BlockKey.decode(key(1), "test").id();
        assertTrue(json.contains("\"flowcore:auth\" : {"), json);
        assertTrue(json.contains("\"keyId\" : \"" + keyId + "\""), json);
        assertTrue(json.contains("\"mac\" : \"hmac-sha256:"), json);
        assertTrue(json.contains("\"url\" : \"jdbc:postgresql://db/x\""), json);
        assertFalse(json.contains(PASSWORD), json);
        assertEquals(16, keyId.length());
        assertEquals(db("jdbc:postgresql://db/x"), blocks.load("pg", TestDatabase.class));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void aNonSecretFieldEditedInTheDatabaseMakesLoadFailSayingHowToResave(String kind) {
        BlockStore store = store(kind);
        BlockCatalog blocks = withKeyFile(store);
        blocks.save("pg", db("jdbc:postgresql://db/x"), false);
        tamper(store, "pg", "jdbc:postgresql://db/x", "jdbc:postgresql://attacker.example/x");
        BlockException e = assertThrows(BlockException.class, () -> withKeyFile(store).load("pg", TestDatabase.class));
        assertTrue(e.getMessage().startsWith("block 'pg' (test-database) was modified outside flowcore"), e.getMessage());
        assertTrue(e.getMessage().contains("--overwrite"), e.getMessage());
        assertFalse(e.getMessage().contains(PASSWORD), e.getMessage());
        // Saving it again through flowcore is the way back.
        blocks.save("pg", db("jdbc:postgresql://db/y"), true);
        assertEquals("jdbc:postgresql://db/y", withKeyFile(store).load("pg", TestDatabase.class).url());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void aDocumentCopiedOverAnotherNameOrWithItsSignatureRemovedIsRefused(String kind) {
        BlockStore store = store(kind);
        BlockCatalog blocks = withKeyFile(store);
        blocks.save("a", db("jdbc:postgresql://db/a"), false);
        blocks.save("b", db("jdbc:postgresql://db/b"), false);
        Document a = store.find("a").orElseThrow();
        store.save(new Document("b", a.typeSlug(), a.json()), true);
        BlockException copied = assertThrows(BlockException.class, () -> withKeyFile(store).load("b", TestDatabase.class));
        assertTrue(copied.getMessage().contains("block 'b' (test-database) was modified outside flowcore"), copied.getMessage());

        String json = a.json();
        String stripped = json.substring(0, json.lastIndexOf(",\n  \"flowcore:auth\"")) + "\n}";
        store.save(new Document("a", a.typeSlug(), stripped.replace("db/a", "attacker/a")), true);
        BlockException e = assertThrows(BlockException.class, () -> withKeyFile(store).load("a", TestDatabase.class));
        assertTrue(e.getMessage().startsWith("block 'a' (test-database) has no signature while the other blocks"), e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void blocksSavedBeforeSignaturesLoadOnceWithAWarningAndAreResavedSigned(String kind) {
        BlockStore store = store(kind);
        BlockCatalog old = withKeyFile(store);
        old.save("creds", new TestCredentials(Secret.of("{\"k\":1}"), "proj"), false);
        old.save("lake", new TestBucket("b1", BlockRef.named("creds")), false);
        for (String name : List.of("creds", "lake")) {   // what flowcore wrote before signatures
            Document d = store.find(name).orElseThrow();
            String unsigned = d.json().substring(0, d.json().lastIndexOf(",\n  \"flowcore:auth\"")) + "\n}";
            store.save(new Document(name, d.typeSlug(), unsigned), true);
        }
        ListAppender<ILoggingEvent> logs = capture();
        try {
            TestBucket lake = withKeyFile(store).load("lake", TestBucket.class);
            assertEquals("{\"k\":1}", lake.credentials().get().serviceAccountJson().reveal());
            List<String> warnings = logs.list.stream().filter(l -> l.getLevel() == Level.WARN)
                    .map(ILoggingEvent::getFormattedMessage).toList();
            assertEquals(2, warnings.size(), warnings.toString());
            assertTrue(warnings.getFirst().startsWith("block 'creds' (test-credentials) was saved before flowcore signed blocks"),
                    warnings.toString());
            assertTrue(store.find("creds").orElseThrow().json().contains("\"flowcore:auth\""));
            assertTrue(store.find("lake").orElseThrow().json().contains("\"flowcore:auth\""));
            logs.list.clear();
            assertEquals("proj", withKeyFile(store).load("creds", TestCredentials.class).project());
            assertEquals(List.of(), logs.list, "signed once: no second warning");
        } finally {
            release(logs);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void withoutAnyKeyLoadingASignedBlockNamesBothPlacesAndNoKeyIsCreated(String kind) throws Exception {
        BlockStore store = store(kind);
        withKeyFile(store).save("lake", new TestBucket("b1", null), false);   // no secret, still signed
        Path keyFile = dir.resolve("blocks.key");
        assertTrue(Files.exists(keyFile));
        Files.delete(keyFile);
        BlockException e = assertThrows(BlockException.class, () -> withKeyFile(store).load("lake", TestBucket.class));
        assertTrue(e.getMessage().contains("FLOWCORE_BLOCKS_KEY"), e.getMessage());
        assertTrue(e.getMessage().contains(keyFile.toString()), e.getMessage());
        // Saving does not make a fresh key either, while the store holds blocks under the lost one.
        BlockException save = assertThrows(BlockException.class,
                () -> withKeyFile(store).save("pg", db("jdbc:postgresql://db/x"), false));
        assertTrue(save.getMessage().contains("there is no blocks key, but the block store holds blocks saved under key id"),
                save.getMessage());
        assertFalse(Files.exists(keyFile));
        assertEquals(List.of("lake"), store.list(null).stream().map(Document::name).toList());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void savingUnderAnotherKeyIsRefusedNamingTheOriginalKeyId(String kind) {
        BlockStore store = store(kind);
        withEnvKey(store, key(1)).save("pg", db("jdbc:postgresql://db/x"), false);
        String original = BlockKey.decode(key(1), "test").id();
        BlockCatalog other = withEnvKey(store, key(2));
        BlockException e = assertThrows(BlockException.class, () -> other.save("pg2", db("jdbc:postgresql://db/y"), false));
        assertTrue(e.getMessage().contains("Restore the original key (key id " + original + ")"), e.getMessage());
        assertTrue(e.getMessage().contains("key id " + original + " (pg)"), e.getMessage());
        assertEquals(Optional.empty(), store.find("pg2"));
        BlockException load = assertThrows(BlockException.class, () -> other.load("pg", TestDatabase.class));
        assertTrue(load.getMessage().contains("is not the key it was saved with (key id " + original + ")"), load.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void rotatingAFileKeyReencryptsAndResignsEveryBlockAndReplacesTheKeyFile(String kind) throws Exception {
        BlockStore store = store(kind);
        BlockCatalog blocks = withKeyFile(store);
        blocks.save("creds", new TestCredentials(Secret.of("{\"k\":1}"), "proj"), false);
        blocks.save("lake", new TestBucket("b1", BlockRef.named("creds")), false);
        blocks.save("pg", db("jdbc:postgresql://db/x"), false);
        Path keyFile = dir.resolve("blocks.key");
        String oldKey = Files.readString(keyFile).trim();
        String oldCiphertext = store.find("pg").orElseThrow().json();

        KeyRotation r = blocks.rotateKey(Optional.empty());

        String newKey = Files.readString(keyFile).trim();
        assertFalse(newKey.equals(oldKey));
        assertEquals(BlockKey.decode(newKey, "test").id(), r.newKeyId());
        assertEquals(BlockKey.decode(oldKey, "test").id(), r.previousKeyId());
        assertEquals(List.of("creds", "lake", "pg"), r.blocks());
        assertFalse(r.keyFromEnvironment());
        assertFalse(Files.exists(dir.resolve("blocks.key.next")));
        for (Document d : store.list(null)) assertTrue(d.json().contains("\"keyId\" : \"" + r.newKeyId() + "\""), d.json());
        assertFalse(store.find("pg").orElseThrow().json().contains(field(oldCiphertext, "password")));
        BlockCatalog reopened = withKeyFile(store);
        assertEquals(PASSWORD, reopened.load("pg", TestDatabase.class).password().reveal());
        assertEquals("proj", reopened.load("lake", TestBucket.class).credentials().get().project());
        assertEquals(TOKEN, blocks.load("pg", TestDatabase.class).token().reveal(), "the rotating catalog uses the new key");
        BlockException withOld = assertThrows(BlockException.class,
                () -> withEnvKey(store, oldKey).load("pg", TestDatabase.class));
        assertTrue(withOld.getMessage().contains("is not the key it was saved with"), withOld.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void rotatingAnEnvironmentKeyTakesTheNewKeyAndSaysToUpdateTheVariable(String kind) {
        BlockStore store = store(kind);
        BlockCatalog blocks = withEnvKey(store, key(1));
        blocks.save("pg", db("jdbc:postgresql://db/x"), false);
        BlockException noNewKey = assertThrows(BlockException.class, () -> blocks.rotateKey(Optional.empty()));
        assertTrue(noNewKey.getMessage().contains("which flowcore cannot change"), noNewKey.getMessage());

        KeyRotation r = blocks.rotateKey(Optional.of(key(2)));
        assertTrue(r.keyFromEnvironment());
        assertEquals(BlockKey.decode(key(2), "test").id(), r.newKeyId());
        assertEquals(PASSWORD, withEnvKey(store, key(2)).load("pg", TestDatabase.class).password().reveal());
        assertEquals(PASSWORD, blocks.load("pg", TestDatabase.class).password().reveal());
        assertThrows(BlockException.class, () -> withEnvKey(store, key(1)).load("pg", TestDatabase.class));
        assertFalse(Files.exists(dir.resolve("unused.key")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void aModifiedBlockStopsTheRotationBeforeAnyBlockChanges(String kind) {
        BlockStore store = store(kind);
        BlockCatalog blocks = withEnvKey(store, key(1));
        blocks.save("a", db("jdbc:postgresql://db/a"), false);
        blocks.save("b", db("jdbc:postgresql://db/b"), false);
        tamper(store, "b", "db/b", "attacker/b");
        List<Document> before = store.list(null);
        BlockException e = assertThrows(BlockException.class, () -> blocks.rotateKey(Optional.of(key(2))));
        assertTrue(e.getMessage().startsWith("key rotation stopped before changing any block"), e.getMessage());
        assertTrue(e.getMessage().contains("block 'b' (test-database) was modified outside flowcore"), e.getMessage());
        assertEquals(before, store.list(null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void anInterruptedFileKeyRotationKeepsEveryBlockLoadableAndFinishesWhenRunAgain(String kind) throws Exception {
        BlockStore store = store(kind);
        withKeyFile(store).save("a", db("jdbc:postgresql://db/a"), false);
        withKeyFile(store).save("b", db("jdbc:postgresql://db/b"), false);
        BlockStore failsOnSecondWrite = new FailingAfter(store, 1);
        BlockException crash = assertThrows(BlockException.class,
                () -> withKeyFile(failsOnSecondWrite).rotateKey(Optional.empty()));
        assertEquals("the disk is full", crash.getMessage());
        Path next = dir.resolve("blocks.key.next");
        assertTrue(Files.exists(next), "the new key is on disk before any block depends on it");
        String nextId = BlockKey.decode(Files.readString(next), "test").id();
        assertTrue(store.find("a").orElseThrow().json().contains(nextId), "a was rotated");
        assertFalse(store.find("b").orElseThrow().json().contains(nextId), "b was not");
        assertEquals(PASSWORD, withKeyFile(store).load("a", TestDatabase.class).password().reveal());
        assertEquals(PASSWORD, withKeyFile(store).load("b", TestDatabase.class).password().reveal());

        KeyRotation r = withKeyFile(store).rotateKey(Optional.empty());
        assertEquals(nextId, r.newKeyId());
        assertEquals(nextId, BlockKey.decode(Files.readString(dir.resolve("blocks.key")), "test").id());
        assertFalse(Files.exists(next));
        assertEquals(PASSWORD, withKeyFile(store).load("b", TestDatabase.class).password().reveal());
    }

    /** A store whose writes fail after {@code allowed} of them, like a disk that fills up mid-rotation. */
    private record FailingAfter(BlockStore store, int[] left) implements BlockStore {
        FailingAfter(BlockStore store, int allowed) {
            this(store, new int[] {allowed});
        }

        @Override
        public boolean save(Document d, boolean overwrite) {
            if (left[0]-- <= 0) throw new BlockException("the disk is full");
            return store.save(d, overwrite);
        }

        @Override
        public Optional<Document> find(String name) {
            return store.find(name);
        }

        @Override
        public List<Document> list(String typeSlug) {
            return store.list(typeSlug);
        }

        @Override
        public boolean delete(String name) {
            return store.delete(name);
        }

        @Override
        public void close() {
        }
    }

    static ListAppender<ILoggingEvent> capture() {
        Logger log = (Logger) LoggerFactory.getLogger("flowcore.blocks");
        ListAppender<ILoggingEvent> a = new ListAppender<>();
        a.start();
        log.addAppender(a);
        log.setLevel(Level.WARN);
        return a;
    }

    static void release(ListAppender<ILoggingEvent> a) {
        Logger log = (Logger) LoggerFactory.getLogger("flowcore.blocks");
        log.detachAppender(a);
        log.setLevel(null);
    }

    static String field(String json, String name) {
        int i = json.indexOf("\"" + name + "\" : \"") + name.length() + 6;
        return json.substring(i, json.indexOf('"', i));
    }
}
