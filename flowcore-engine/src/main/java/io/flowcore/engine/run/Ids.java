package io.flowcore.engine.run;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/** Time-ordered (version 7) UUIDs from a thread-local random: cheaper than {@code UUID.randomUUID()}, sortable by creation. */
final class Ids {
    private Ids() {
    }

    static UUID next() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long msb = (System.currentTimeMillis() << 16) | 0x7000L | (r.nextLong() & 0x0FFFL);
        long lsb = (r.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(msb, lsb);
    }
}
