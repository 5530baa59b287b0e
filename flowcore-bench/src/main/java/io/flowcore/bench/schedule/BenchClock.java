package io.flowcore.bench.schedule;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;

/** The scheduler-cost benchmark's engine clock: it moves only when told, so every pass sees exactly the instants it should. */
final class BenchClock implements InstantSource {
    private volatile Instant now;

    BenchClock(Instant start) {
        this.now = start;
    }

    @Override
    public Instant instant() {
        return now;
    }

    void advance(Duration d) {
        now = now.plus(d);
    }
}
