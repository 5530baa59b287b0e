package io.flowcore.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetryTests {
    final List<Duration> slept = new ArrayList<>();
    final List<String> told = new ArrayList<>();

    @Test
    void retriesARetryableFailureWithThePolicysDelaysThroughTheSleeper() throws Exception {
        RetryPolicy policy = RetryPolicy.exponential(3, Duration.ofSeconds(1), 2, null);
        String result = Retry.call(policy, slept::add, e -> e instanceof IOException,
                (next, delay, e) -> told.add(next + ":" + delay.toSeconds() + ":" + e.getMessage()), n -> {
                    if (n < 3) throw new IOException("reset " + n);
                    return "attempt " + n;
                });
        assertEquals("attempt 3", result);
        assertEquals(List.of(Duration.ofSeconds(1), Duration.ofSeconds(2)), slept);
        assertEquals(List.of("2:1:reset 1", "3:2:reset 2"), told);
    }

    @Test
    void aFailureThatIsNotRetryableOrTheLastOneIsThrownAsIs() {
        RetryPolicy policy = RetryPolicy.fixed(2, Duration.ofMillis(5));
        IllegalStateException fatal = assertThrows(IllegalStateException.class, () -> Retry.call(policy, slept::add,
                e -> e instanceof IOException, (n, d, e) -> { }, n -> {
                    throw new IllegalStateException("bad input");
                }));
        assertEquals("bad input", fatal.getMessage());
        assertEquals(List.of(), slept);

        IOException last = assertThrows(IOException.class, () -> Retry.call(policy, slept::add, e -> true, (n, d, e) -> { },
                n -> {
                    throw new IOException("down " + n);
                }));
        assertEquals("down 3", last.getMessage());
        assertEquals(2, slept.size());
    }
}
