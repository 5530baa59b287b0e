package io.flowcore.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowcore.api.spi.ApiKeyStore;
import io.flowcore.engine.Flowcore;
import io.flowcore.engine.testing.TestInfra;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** API keys in the SQLite and the PostgreSQL store: only salted hashes are kept, and revocation holds. */
@DisplayName("API keys")
class ApiKeysTests {
    @TempDir
    Path home;

    @Test
    void onSqlite() {
        check(cfg -> cfg.home(home));
    }

    @Test
    void onPostgres() {
        try (TestInfra.PgSchema schema = TestInfra.PgSchema.create("server_keys")) {
            check(cfg -> cfg.home(home).database(schema.url(), schema.pg().user(), schema.pg().password()));
        }
    }

    private static void check(Consumer<io.flowcore.engine.FlowcoreConfig> settings) {
        try (Flowcore fc = Flowcore.create(cfg -> {
            settings.accept(cfg);
            cfg.notificationPolling(Duration.ZERO);
        })) {
            Instant now = Instant.parse("2026-01-02T03:04:05.123456789Z");
            ApiKeys keys = new ApiKeys(fc.apiKeys(), InstantSource.fixed(now));
            ApiKeys.Created a = keys.create(Role.RUN);
            ApiKeys.Created b = keys.create(Role.RUN);

            assertEquals(Optional.of(Role.RUN), keys.verify(a.key()));
            assertEquals(Optional.of(Role.RUN), keys.verify(b.key()));
            String secretA = a.key().substring(a.key().indexOf('.') + 1);
            ApiKeyStore.ApiKey storedA = fc.apiKeys().apiKey(a.id()).orElseThrow();
            ApiKeyStore.ApiKey storedB = fc.apiKeys().apiKey(b.id()).orElseThrow();
            assertFalse(storedA.hash().contains(secretA) || storedA.salt().contains(secretA));
            assertNotEquals(storedA.salt(), storedB.salt());
            assertEquals(now, storedA.createdAt());

            // another key's secret with this key's id, a truncated key, garbage: all refused
            String swapped = a.key().substring(0, a.key().indexOf('.') + 1) + b.key().substring(b.key().indexOf('.') + 1);
            assertEquals(Optional.empty(), keys.verify(swapped));
            assertEquals(Optional.empty(), keys.verify(a.key().substring(0, a.key().length() - 1)));
            assertEquals(Optional.empty(), keys.verify("fck_' OR '1'='1.x"));

            assertTrue(keys.revoke(a.id()));
            assertFalse(keys.revoke(a.id()));
            assertEquals(Optional.empty(), keys.verify(a.key()));
            assertEquals(Optional.of(Role.RUN), keys.verify(b.key()));
            assertEquals(2, keys.list().size());
            assertTrue(keys.list().getFirst().revoked() || keys.list().getLast().revoked());
            assertThrows(IllegalArgumentException.class, () -> fc.apiKeys().insertApiKey(storedB));
        }
    }
}
