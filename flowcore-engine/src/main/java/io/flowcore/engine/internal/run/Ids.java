package io.flowcore.engine.internal.run;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Time-ordered (version 7) UUIDs, cheaper than {@code UUID.randomUUID()} and sortable by creation within a JVM,
 * also within one millisecond: the 12 bits after the millisecond are a counter (RFC 9562's method 3), so two
 * runs created in the same millisecond list in the order they were created. A burst of more than 4,096 in a
 * millisecond borrows from the next one.
 */
final class Ids {
    /** The last (milliseconds << 12 | counter) handed out. */
    private static final AtomicLong LAST = new AtomicLong();

    private Ids() {
    }

    static UUID next() {
        long now = System.currentTimeMillis() << 12;
        long t = LAST.updateAndGet(prev -> Math.max(prev + 1, now));
        long msb = ((t >>> 12) << 16) | 0x7000L | (t & 0x0FFFL);
        long lsb = (ThreadLocalRandom.current().nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(msb, lsb);
    }
}
