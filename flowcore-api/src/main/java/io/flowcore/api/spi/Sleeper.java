package io.flowcore.api.spi;

import java.time.Duration;

/** Waits: the engine sleeps through this so tests can pass a fake that returns at once and records the delay. */
@FunctionalInterface
public interface Sleeper {
    /** The real sleeper: {@link Thread#sleep(Duration)}. */
    Sleeper SYSTEM = d -> {
        if (d.isPositive()) Thread.sleep(d);
    };

    void sleep(Duration duration) throws InterruptedException;
}
