package io.flowcore.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method of a flow class as a task. Calling it from inside a running {@link Flow} creates a
 * task run with its own states, retries, timeout, cache and persisted result; calling it outside a
 * flow run just runs the method.
 *
 * <p>Rules, checked when the flow class is first used: a task method must not be {@code private},
 * {@code static} or {@code final}, and its class must not be final, because the engine intercepts it
 * in a generated subclass. Parameter names in {@link #taskRunName()} need the {@code -parameters}
 * compiler flag; positional {@code {0}} always works.
 *
 * <p>Numbers set to their default mean "not set"; values set through {@code TaskOptions} win.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Task {
    /** The task's name; defaults to the method name. */
    String name() default "";

    /** Template for task run names, e.g. {@code "fetch-{url}"}; defaults to {@code <name>-<n>}. */
    String taskRunName() default "";

    /** Tags, used for per-tag concurrency limits and filtering. */
    String[] tags() default {};

    /** How many times a failed run is retried. */
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

    /** Fails the run as TimedOut and interrupts its thread after this many seconds; 0 means none. */
    double timeoutSeconds() default 0;

    /** Whether and how results are reused across runs. */
    CacheMode cache() default CacheMode.NONE;

    /** How long a cached result stays valid, in seconds; 0 means forever. */
    long cacheExpirationSeconds() default 0;

    /** Runs the task even on a cache hit, and replaces the cached result. */
    boolean refreshCache() default false;

    /** Persist the result so caching and resume-from-failure work across processes. */
    boolean persistResult() default true;

    /** Captures {@code System.out}/{@code System.err} inside the task into the run's log. */
    boolean logPrints() default false;

    /**
     * State hooks: names of methods of the class declaring this task (or of a superclass), each taking
     * {@code (io.flowcore.api.run.TaskRunRecord run, io.flowcore.api.state.State state)}, called once the task
     * run has ended Completed (a cached or resumed result included: the state's name says which) and that
     * state is committed to the store. They run on the task's thread before the task call returns, once per
     * task run: a run retried and then completed calls these, not {@link #onFailure()}. A hook that throws
     * is logged with the run and never changes its state or the flow's. A name that matches no such method
     * is an error when the class is first used, naming the methods that would fit.
     */
    String[] onCompletion() default {};

    /**
     * State hooks for a task run that ended Failed (TimedOut included) after its retries; see
     * {@link #onCompletion()}.
     */
    String[] onFailure() default {};

    /**
     * State hooks for a task run that ended Cancelled because its flow run was cancelled; see
     * {@link #onCompletion()}.
     */
    String[] onCancellation() default {};
}
