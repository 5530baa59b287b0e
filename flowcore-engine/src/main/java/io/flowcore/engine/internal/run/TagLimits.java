package io.flowcore.engine.internal.run;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Semaphore;

/**
 * Per-tag concurrency limits within one engine: a task run holds a slot of each of its limited tags
 * while it runs. Slots are taken in tag order so two runs never wait on each other.
 */
final class TagLimits {
    private final Map<String, Semaphore> limits;

    TagLimits(Map<String, Integer> perTag) {
        this.limits = new java.util.HashMap<>();
        perTag.forEach((tag, n) -> limits.put(tag, new Semaphore(n, true)));
    }

    List<Semaphore> acquire(Set<String> tags, TaskRun run, FlowScope scope) throws InterruptedException {
        if (limits.isEmpty() || tags.isEmpty()) return List.of();
        List<Semaphore> held = new ArrayList<>();
        try {
            for (String tag : new TreeSet<>(tags)) {
                Semaphore s = limits.get(tag);
                if (s == null) continue;
                s.acquire();
                held.add(s);
            }
        } catch (InterruptedException e) {
            release(held);
            throw e;
        }
        return held;
    }

    void release(List<Semaphore> held) {
        for (Semaphore s : held) s.release();
    }
}
