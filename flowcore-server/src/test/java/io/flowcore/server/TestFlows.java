package io.flowcore.server;

import io.flowcore.api.Flow;
import io.flowcore.api.RunContext;
import io.flowcore.api.Task;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.util.concurrent.CountDownLatch;

/** Flows the server tests run: a small graph with logs, one that fails, one held by a latch until cancelled. */
public class TestFlows {
    /** Counted down when {@link #held} started; {@link #held} waits until it is interrupted. */
    public static volatile CountDownLatch heldStarted = new CountDownLatch(1);

    @Task
    public String fetch(int n) {
        RunContext.logger().info("fetched {}", n);
        return "part-" + n; // an object, so passing it on records an edge (boxed numbers are not tracked)
    }

    @Task
    public String join(String a, String b) {
        return a + "+" + b;
    }

    @Flow(name = "etl")
    public String etl(@Min(1) @Max(12) int month, String label) {
        RunContext.logger().info("label: {}", label);
        String a = fetch(month);
        String b = fetch(month + 1);
        return join(a, b);
    }

    @Task
    public int one(int n) {
        return n;
    }

    /** {@code n} task runs of {@link #one}, through Tasks.map: a run page with many tasks. */
    @Flow(name = "wide")
    public int wide(int n) {
        return io.flowcore.api.Tasks.map(java.util.stream.IntStream.range(0, n).boxed().toList(), this::one).stream()
                .mapToInt(f -> f.get()).sum();
    }

    @Flow(name = "tiny")
    public int tiny(int n) {
        return n;
    }

    /** Its run name, parameter and log line all carry the text {@code title}, e.g. a script tag. */
    @Flow(name = "named", flowRunName = "{title}")
    public String named(String title) {
        RunContext.logger().info("log line: {}", title);
        return fetch(1);
    }

    @Flow(name = "boom")
    public void boom(String why) {
        RunContext.logger().error("about to fail: {}", why);
        throw new IllegalStateException("boom: " + why);
    }

    public static volatile CountDownLatch relayStarted = new CountDownLatch(1);
    public static volatile CountDownLatch relayGo = new CountDownLatch(1);

    /** Logs a line, waits for {@link #relayGo}, logs another and ends: a run whose log grows while a test acts. */
    @Flow(name = "relayed")
    public void relayed() throws InterruptedException {
        RunContext.logger().info("before the restart");
        relayStarted.countDown();
        relayGo.await();
        RunContext.logger().info("after the restart");
    }

    /** Counted down when {@link #held} stopped waiting (it was cancelled). */
    public static volatile CountDownLatch heldStopped = new CountDownLatch(1);

    @Flow(name = "held")
    public void held() throws InterruptedException {
        RunContext.logger().info("holding");
        heldStarted.countDown();
        try {
            new CountDownLatch(1).await(); // until cancelled (interrupted)
        } finally {
            heldStopped.countDown();
        }
    }
}
