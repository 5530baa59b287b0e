package io.flowcore.testing;

import io.flowcore.api.spi.Sleeper;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link Sleeper} that returns at once and records each requested wait, so a test of retries with
 * delays takes no time and can assert the delays. Given a {@link ManualClock}, it moves that clock by
 * each wait, so time-based behaviour after the wait (cache expiry, timestamps) sees the time pass.
 */
public final class RecordingSleeper implements Sleeper {
    private final List<Duration> sleeps = new CopyOnWriteArrayList<>();
    private final ManualClock clock;

    /** Records only; no clock moves. */
    public RecordingSleeper() {
        this(null);
    }

    /** Records and advances {@code clock} by each wait. */
    public RecordingSleeper(ManualClock clock) {
        this.clock = clock;
    }

    @Override
    public void sleep(Duration d) {
        sleeps.add(d);
        if (clock != null && d.isPositive()) clock.advance(d);
    }

    /** The waits requested so far, in order. */
    public List<Duration> sleeps() {
        return List.copyOf(sleeps);
    }

    /** The sum of the waits requested so far. */
    public Duration total() {
        return sleeps.stream().reduce(Duration.ZERO, Duration::plus);
    }

    /** Forgets the waits recorded so far. */
    public void clear() {
        sleeps.clear();
    }
}
