package io.flowcore.testing;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock a test moves by hand: pass it with {@code cfg.clock(clock)} and cache expiry, retry delays and
 * leases follow it instead of the wall clock. Thread-safe.
 */
public final class ManualClock implements InstantSource {
    /** Where a new clock starts unless told otherwise. */
    public static final Instant DEFAULT_START = Instant.parse("2026-01-01T00:00:00Z");

    private final AtomicReference<Instant> now;

    /** A clock at {@link #DEFAULT_START}. */
    public ManualClock() {
        this(DEFAULT_START);
    }

    public ManualClock(Instant start) {
        this.now = new AtomicReference<>(Objects.requireNonNull(start, "start"));
    }

    @Override
    public Instant instant() {
        return now.get();
    }

    /**
     * Moves the clock forward.
     *
     * @throws IllegalArgumentException for a negative duration: time does not run backwards here
     */
    public ManualClock advance(Duration d) {
        if (d.isNegative()) throw new IllegalArgumentException("a clock only moves forward; advance(" + d + ")");
        now.accumulateAndGet(Instant.EPOCH, (t, ignored) -> t.plus(d));
        return this;
    }

    /** Sets the clock to {@code t}, which may be earlier than now (to test a clock that jumps back). */
    public ManualClock set(Instant t) {
        now.set(Objects.requireNonNull(t, "t"));
        return this;
    }

    @Override
    public String toString() {
        return "ManualClock[" + now.get() + "]";
    }
}
