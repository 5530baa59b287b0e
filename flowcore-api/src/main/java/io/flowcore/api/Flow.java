package io.flowcore.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method as a flow. Run it with {@code Flowcore.run(MyFlows.class, f -> f.method(args))};
 * calling a flow method from inside a running flow creates a subflow run linked to its parent.
 *
 * <p>Rules, checked when the flow class is first used: the class must be public or package-visible,
 * not final, with a no-argument constructor; a flow method must not be {@code private},
 * {@code static} or {@code final}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Flow {
    /** The flow's name; defaults to the method name with dashes ({@code etlWebToGcs → etl-web-to-gcs}). */
    String name() default "";

    /** Template for flow run names, e.g. {@code "ingest-{table}"}; defaults to a random adjective-animal. */
    String flowRunName() default "";

    /** How many times a failed flow run's body is retried (the same retry model as {@link Task}'s). */
    int retries() default 0;

    /**
     * Seconds to wait before each retry. One value: a fixed delay; several: one per retry, the last
     * repeating. With {@link #retryBackoffFactor()} &gt; 1 the first value grows exponentially.
     */
    double[] retryDelaySeconds() default {};

    /** Exponential backoff: delay(n) = first delay × factor^(n-1). 0 or 1 means none. */
    double retryBackoffFactor() default 0;

    /** Upper bound for a backed-off delay in seconds; 0 means none. */
    double retryMaxDelaySeconds() default 0;

    /** Random jitter: each delay is multiplied by a value in [1 - j, 1 + j]. */
    double retryJitterFactor() default 0;

    /** Only these exceptions (and subclasses) are retried; empty means every exception. */
    Class<? extends Throwable>[] retryOn() default {};

    /** Fails the run as TimedOut and interrupts it after this many seconds; 0 means none. */
    double timeoutSeconds() default 0;

    /** Captures {@code System.out}/{@code System.err} inside the flow into the run's log. */
    boolean logPrints() default false;
}
