package io.flowcore.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * The largest heap in use while it is open: the heap just before each GC (from GC notifications,
 * the true high-water marks) and a 20 ms sample of {@link MemoryMXBean} for what no GC saw.
 */
final class PeakHeap implements AutoCloseable {
    private final AtomicLong peak = new AtomicLong();
    private final List<Runnable> removers = new ArrayList<>();
    private final Thread sampler;
    private volatile boolean running = true;

    PeakHeap() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (!(gc instanceof NotificationEmitter emitter)) continue;
            NotificationListener listener = (n, h) -> {
                if (!n.getType().equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) return;
                var info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
                long used = 0;
                for (Map.Entry<String, MemoryUsage> e : info.getGcInfo().getMemoryUsageBeforeGc().entrySet()) {
                    if (isHeap(e.getKey())) used += e.getValue().getUsed();
                }
                peak.accumulateAndGet(used, Math::max);
            };
            emitter.addNotificationListener(listener, null, null);
            removers.add(() -> {
                try {
                    emitter.removeNotificationListener(listener);
                } catch (Exception ignored) {
                    // already gone
                }
            });
        }
        sampler = Thread.ofPlatform().daemon().name("peak-heap").start(() -> {
            while (running) {
                peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    private static boolean isHeap(String pool) {
        return !(pool.contains("Metaspace") || pool.contains("Code") || pool.contains("Compressed Class")
                || pool.contains("CodeHeap"));
    }

    /** The peak so far, in MiB. */
    long peakMb() {
        return peak.get() >> 20;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        sampler.interrupt();
        sampler.join();
        removers.forEach(Runnable::run);
    }
}
