package io.flowcore.engine.internal.run;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which task run produced which object, by identity, so that passing a result to another task records
 * an edge of the task graph. References are weak: a flow that drops its results does not keep them
 * alive here. Boxed numbers, booleans, characters and enums are skipped: they are shared instances.
 */
final class Lineage {
    private final Map<Key, UUID> producers = new ConcurrentHashMap<>();
    private final ReferenceQueue<Object> queue = new ReferenceQueue<>();

    void record(Object result, UUID taskRunId) {
        if (!trackable(result)) return;
        expunge();
        producers.put(new Key(result, queue), taskRunId);
    }

    List<UUID> upstreamOf(Object[] args) {
        if (producers.isEmpty()) return List.of();
        List<UUID> up = null;
        for (Object a : args) {
            if (!trackable(a)) continue;
            UUID id = producers.get(new Key(a, null));
            if (id != null) {
                if (up == null) up = new ArrayList<>(2);
                if (!up.contains(id)) up.add(id);
            }
        }
        return up == null ? List.of() : up;
    }

    private static boolean trackable(Object o) {
        return o != null && !(o instanceof Number) && !(o instanceof Boolean) && !(o instanceof Character)
                && !(o instanceof Enum<?>);
    }

    private void expunge() {
        for (Object k; (k = queue.poll()) != null; ) producers.remove(k);
    }

    private static final class Key extends WeakReference<Object> {
        private final int hash;

        Key(Object referent, ReferenceQueue<Object> q) {
            super(referent, q);
            this.hash = System.identityHashCode(referent);
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object o) {
            if (this == o) return true;
            if (!(o instanceof Key k)) return false;
            Object mine = get();
            return mine != null && mine == k.get();
        }
    }
}
