package io.flowcore.api.spi;

import java.time.Instant;
import java.util.UUID;

/**
 * A cached task result.
 *
 * @param cacheKey  the key
 * @param resultRef the persisted result, as in {@link io.flowcore.api.run.TaskRunRecord#resultRef()}
 * @param taskRunId the task run that produced it
 * @param expiresAt when it stops being valid, or null for never
 */
public record CacheEntry(String cacheKey, String resultRef, UUID taskRunId, Instant expiresAt) {

    public boolean validAt(Instant now) {
        return expiresAt == null || now.isBefore(expiresAt);
    }
}
