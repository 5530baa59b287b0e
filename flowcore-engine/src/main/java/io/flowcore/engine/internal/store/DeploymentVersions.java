package io.flowcore.engine.internal.store;

import io.flowcore.api.deployment.DeploymentRecord;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/*
 * What JdbcDeployments remembers so that a worker's per-run question "which deployment version is this
 * run of?" costs no query: the versions it has read (a stored version never changes, so it is never
 * stale), and the version id of each run this store claimed, until the worker asked for it once. Both are
 * bounded (oldest out first), so a claim whose run is never asked about costs a few bytes, not a leak.
 * A run or version not remembered is simply read from the database.
 */
final class DeploymentVersions {
    private static final int MAX_VERSIONS = 1_000;
    private static final int MAX_CLAIMED = 10_000;
    /** "" stands for a claimed run created from no deployment. */
    private static final String NONE = "";

    private final Map<String, DeploymentRecord> byId = bounded(MAX_VERSIONS);
    private final Map<UUID, String> versionOfClaimed = bounded(MAX_CLAIMED);

    private static <K, V> Map<K, V> bounded(int max) {
        return new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > max;
            }
        };
    }

    synchronized void put(DeploymentRecord d) {
        byId.put(d.id(), d);
    }

    synchronized DeploymentRecord get(String versionId) {
        return byId.get(versionId);
    }

    /** Notes that this store claimed {@code runId}, a run of version {@code versionId} (null: of no deployment). */
    synchronized void claimed(UUID runId, String versionId) {
        versionOfClaimed.put(runId, versionId == null ? NONE : versionId);
    }

    /**
     * The version id of a run this store claimed, forgotten as it is returned ("" when the run is of no
     * deployment); null when it is not remembered.
     */
    synchronized String claimedVersion(UUID runId) {
        return versionOfClaimed.remove(runId);
    }
}
