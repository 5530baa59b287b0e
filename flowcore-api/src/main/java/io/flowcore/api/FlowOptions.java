package io.flowcore.api;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The resolved options of a flow: the {@link Flow} annotation's values, overridden by what was set in code
 * (an override given to the engine configuration gets these options and returns changed ones). The retry
 * model is the tasks' one: a {@link RetryPolicy} with delays, backoff, jitter and {@code retryOn}.
 *
 * @param flowRunName run-name template, or "" for a random adjective-animal name
 * @param retry       retry policy for the flow run's body
 * @param timeout     timeout, or null for none
 * @param logPrints   capture System.out/err into the run log
 */
public record FlowOptions(String flowRunName, RetryPolicy retry, Duration timeout, boolean logPrints) {

    public FlowOptions {
        if (flowRunName == null) flowRunName = "";
        if (retry == null) retry = RetryPolicy.NONE;
        if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
    }

    /** Options from an annotation alone. */
    public static FlowOptions from(Flow f) {
        List<Duration> delays = new ArrayList<>();
        for (double s : f.retryDelaySeconds()) delays.add(TaskOptions.seconds(s));
        RetryPolicy retry = new RetryPolicy(f.retries(), delays, f.retryBackoffFactor(),
                f.retryMaxDelaySeconds() > 0 ? TaskOptions.seconds(f.retryMaxDelaySeconds()) : null, f.retryJitterFactor(),
                Arrays.asList(f.retryOn()));
        return new FlowOptions(f.flowRunName(), retry, f.timeoutSeconds() > 0 ? TaskOptions.seconds(f.timeoutSeconds()) : null,
                f.logPrints());
    }

    public FlowOptions withRetry(RetryPolicy r) {
        return new FlowOptions(flowRunName, r, timeout, logPrints);
    }

    public FlowOptions withRetries(int retries) {
        return withRetry(new RetryPolicy(retries, retry.delays(), retry.backoffFactor(), retry.maxDelay(),
                retry.jitterFactor(), retry.retryOn()));
    }

    public FlowOptions withTimeout(Duration t) {
        return new FlowOptions(flowRunName, retry, t, logPrints);
    }

    public FlowOptions withFlowRunName(String template) {
        return new FlowOptions(template, retry, timeout, logPrints);
    }
}
