package io.flowcore.blocks.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowcore.api.block.BlockStore;
import io.flowcore.api.block.BlockStore.Document;
import io.flowcore.engine.testing.TestInfra;
import io.flowcore.engine.BlockStores;
import io.flowcore.blocks.testing.PgSchemas;
import org.junit.jupiter.api.AfterAll;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The BlockStore contract, on every store: in memory, SQLite, and the real PostgreSQL. */
class BlockStoreContractTests {
    @TempDir
    static Path dir;
    static String schema;   // created on first use: a fresh schema, the server is shared

    static Stream<Arguments> stores() {
        return Stream.of(
                Arguments.of("in-memory", (Function<Path, BlockStore>) d -> BlockStores.inMemory()),
                Arguments.of("sqlite", (Function<Path, BlockStore>) d -> BlockStores.sqlite(d.resolve(UUID.randomUUID() + ".db"))),
                Arguments.of("postgresql", (Function<Path, BlockStore>) d -> {
                    schema = PgSchemas.create("blocks_contract");
                    return BlockStores.jdbc(PgSchemas.url(schema), TestInfra.require("FLOWCORE_PG_USER"),
                            TestInfra.require("FLOWCORE_PG_PASSWORD"));
                }));
    }

    @AfterAll
    static void dropSchema() {
        if (schema != null) PgSchemas.drop(schema);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void savesWithoutOverwriteOnlyOnceReplacesWithItAndListsByType(String name, Function<Path, BlockStore> open) {
        String p = "contract-" + UUID.randomUUID() + "-";   // the PostgreSQL table is shared: unique names
        try (BlockStore store = open.apply(dir)) {
            try {
                assertTrue(store.save(new Document(p + "b", "t1", "{\"v\":1}"), false));
                assertFalse(store.save(new Document(p + "b", "t2", "{\"v\":2}"), false), "no overwrite without the flag");
                assertEquals(Optional.of(new Document(p + "b", "t1", "{\"v\":1}")), store.find(p + "b"));
                assertTrue(store.save(new Document(p + "b", "t2", "{\"v\":3}"), true));
                assertEquals(Optional.of(new Document(p + "b", "t2", "{\"v\":3}")), store.find(p + "b"));
                store.save(new Document(p + "a", "t2", "{}"), false);
                store.save(new Document(p + "c", "t1", "{}"), false);
                assertEquals(List.of(p + "a", p + "b"), store.list("t2").stream().map(Document::name)
                        .filter(n -> n.startsWith(p)).toList());
                assertEquals(List.of(p + "a", p + "b", p + "c"), store.list(null).stream().map(Document::name)
                        .filter(n -> n.startsWith(p)).toList());
                assertTrue(store.delete(p + "b"));
                assertFalse(store.delete(p + "b"));
                assertEquals(Optional.empty(), store.find(p + "b"));
            } finally {
                store.delete(p + "a");
                store.delete(p + "c");
            }
        }
    }
}
