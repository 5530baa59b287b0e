package io.flowcore.api.spi;

import java.time.Instant;
import java.util.UUID;

/**
 * A cached task result.
 *
 * @param cacheKey  the key
 * @param resultRef the result store key of the persisted result
 * @param taskRunId the task run that produced it
 * @param expiresAt when it stops being valid, or null for never
 */
public record CacheEntry(String cacheKey, String resultRef, UUID taskRunId, Instant expiresAt) {

    public boolean validAt(Instant now) {
        return expiresAt == null || now.isBefore(expiresAt);
    }
}
