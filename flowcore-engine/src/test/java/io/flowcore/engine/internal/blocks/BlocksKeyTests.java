package io.flowcore.engine.internal.blocks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowcore.api.block.BlockException;
import io.flowcore.api.block.Secret;
import io.flowcore.engine.TestBlocks.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.List;
import java.util.ArrayList;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlocksKeyTests {
    @TempDir
    Path dir;

    private static String key(int fill) {
        byte[] k = new byte[32];
        java.util.Arrays.fill(k, (byte) fill);
        return Base64.getEncoder().encodeToString(k);
    }

    @Test
    void environmentKeyWinsAndNoKeyFileIsWritten() {
        BlockCatalog c = new BlockCatalog(BlockStoreFactory.inMemory(), new BlocksKey(Map.of("FLOWCORE_BLOCKS_KEY", key(1)), dir.resolve("k")));
        c.save("pg", new TestDatabase("u", "x", Secret.of("s3cret"), null), false);
        assertEquals("s3cret", c.load("pg", TestDatabase.class).password().reveal());
        assertFalse(Files.exists(dir.resolve("k")));
    }

    @Test
    void anotherEnvironmentKeyCannotDecryptAndSaysWhereTheKeyCameFrom() {
        var store = BlockStoreFactory.inMemory();
        new BlockCatalog(store, new BlocksKey(Map.of("FLOWCORE_BLOCKS_KEY", key(1)), dir.resolve("k")))
                .save("pg", new TestDatabase("u", "x", Secret.of("s3cret"), null), false);
        BlockCatalog other = new BlockCatalog(store, new BlocksKey(Map.of("FLOWCORE_BLOCKS_KEY", key(2)), dir.resolve("k")));
        BlockException e = assertThrows(BlockException.class, () -> other.load("pg", TestDatabase.class));
        assertTrue(e.getMessage().contains("environment variable FLOWCORE_BLOCKS_KEY"), e.getMessage());
    }

    @Test
    void keyOfTheWrongLengthIsRefused() {
        BlockCatalog c = new BlockCatalog(BlockStoreFactory.inMemory(),
                new BlocksKey(Map.of("FLOWCORE_BLOCKS_KEY", Base64.getEncoder().encodeToString(new byte[16])), dir.resolve("k")));
        BlockException e = assertThrows(BlockException.class,
                () -> c.save("pg", new TestDatabase("u", "x", Secret.of("s3cret"), null), false));
        assertTrue(e.getMessage().contains("must be 32 bytes (256 bits) in base64; it has 16 bytes"), e.getMessage());
    }

    @Test
    void aBlockWithoutSecretsIsSignedTooSoItsFirstSaveCreatesTheKey() {
        BlockCatalog c = new BlockCatalog(BlockStoreFactory.inMemory(), new BlocksKey(Map.of(), dir.resolve("k")));
        c.save("pg", new TestDatabase("u", "x", null, null), false);
        assertEquals(new TestDatabase("u", "x", null, null), c.load("pg", TestDatabase.class));
        assertTrue(Files.exists(dir.resolve("k")));
    }

    @Test
    void theKeyFileIsWrittenToATempFileFsyncedLinkedIntoPlaceAndItsFolderFsynced() throws Exception {
        RecordingFileSync sync = new RecordingFileSync();
        Path file = dir.resolve("home").resolve("blocks.key");
        BlocksKey keys = new BlocksKey(Map.of(), file, sync);
        BlockKey created = keys.create();

        assertEquals(2, sync.forced.size(), sync.forced.toString());
        Path tmp = sync.forced.get(0);
        assertEquals(file.getParent(), tmp.getParent());
        assertTrue(tmp.getFileName().toString().startsWith("blocks.key.tmp-"), "the temp file first: " + sync.forced);
        assertEquals(file.toAbsolutePath().getParent(), sync.forced.get(1), "then the folder, after the link");
        assertTrue(sync.contentWhenForced.get(0).endsWith("\n"), "the content was complete when fsynced");
        assertFalse(Files.exists(tmp), "the temp file is gone");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        String content = Files.readString(file);
        assertEquals(created.base64() + "\n", content);
        assertEquals(32, Base64.getDecoder().decode(content.trim()).length);
        assertEquals(created.id(), new BlocksKey(Map.of(), file).current().id());
        assertEquals(1, Files.list(file.getParent()).count(), "nothing else is left in the folder");
    }

    @Test
    void aRotationWritesTheNextKeyDurablyFirstAndRenamesItOverTheKeyFileAtTheEnd() throws Exception {
        RecordingFileSync sync = new RecordingFileSync();
        Path file = dir.resolve("blocks.key");
        BlocksKey keys = new BlocksKey(Map.of(), file, sync);
        BlockKey old = keys.create();
        sync.forced.clear();
        BlockKey next = BlockKey.generate();

        keys.startRotation(next);
        assertTrue(sync.forced.get(0).getFileName().toString().startsWith("blocks.key.next.tmp-"), sync.forced.toString());
        assertEquals(dir.toAbsolutePath(), sync.forced.get(1));
        assertEquals(next.base64() + "\n", Files.readString(dir.resolve("blocks.key.next")));
        assertEquals(old.id(), new BlocksKey(Map.of(), file).current().id(), "the key file is unchanged until the end");
        assertEquals(next.id(), new BlocksKey(Map.of(), file).byId(next.id()).orElseThrow().id(), "both keys are known");

        keys.finishRotation(next);
        assertEquals(List.of(dir.toAbsolutePath()), sync.forced.subList(2, sync.forced.size()), "the folder, after the rename");
        assertFalse(Files.exists(dir.resolve("blocks.key.next")));
        assertEquals(next.id(), new BlocksKey(Map.of(), file).current().id());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }

    @Test
    void aKeyCreatedByAnotherProcessFirstWinsOverOurs() throws Exception {
        Path file = dir.resolve("blocks.key");
        BlockKey theirs = new BlocksKey(Map.of(), file).create();
        BlocksKey ours = new BlocksKey(Map.of(), dir.resolve("blocks.key"));
        assertEquals(theirs.id(), ours.create().id());
    }

    @Test
    void theKeyIdIsAShortFingerprintThatTellsKeysApartAndHidesThem() {
        BlockKey one = BlockKey.decode(key(1), "test");
        assertEquals(one.id(), BlockKey.decode(key(1), "test").id());
        assertFalse(one.id().equals(BlockKey.decode(key(2), "test").id()));
        assertTrue(one.id().matches("[0-9a-f]{16}"), one.id());
        assertFalse(one.toString().contains(key(1)), one.toString());
    }

    /** A test double for fsync: records which paths were forced, and what a file held at that moment. */
    static final class RecordingFileSync implements FileSync {
        final List<Path> forced = new ArrayList<>();
        final List<String> contentWhenForced = new ArrayList<>();

        @Override
        public void force(Path p) throws java.io.IOException {
            forced.add(p);
            contentWhenForced.add(Files.isRegularFile(p) ? Files.readString(p) : "");
            FileSync.SYSTEM.force(p);
        }
    }
}
