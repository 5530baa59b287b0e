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

    /**
     * State hooks: names of methods of this flow class, each taking
     * {@code (io.flowcore.api.run.FlowRunRecord run, io.flowcore.api.state.State state)}, called once the run
     * has ended Completed and that state is committed to the store. A hook that throws is logged with the
     * run and never changes its state. A name that matches no such method is an error when the class is
     * first used, naming the methods that would fit.
     */
    String[] onCompletion() default {};

    /** State hooks for a run that ended Failed (TimedOut included); see {@link #onCompletion()}. */
    String[] onFailure() default {};

    /** State hooks for a run that ended Cancelled; see {@link #onCompletion()}. */
    String[] onCancellation() default {};

    /**
     * State hooks for a run marked Crashed: its own process is gone, so these run in the engine or worker
     * that detected the crash, when the flow's class is on its classpath, else (a deployment on the process or
     * docker infrastructure) in a short JVM that infrastructure starts with the deployment's code; see
     * {@link #onCompletion()}.
     * Notification rules need no user code and are the guaranteed path for crashes.
     */
    String[] onCrashed() default {};
}
