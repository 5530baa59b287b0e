package io.flowcore.engine.internal.run;

import io.flowcore.api.RunContext;
import io.flowcore.api.TaskFuture;
import io.flowcore.api.spi.FlowcoreRuntime;
import io.flowcore.engine.internal.discovery.CallDispatcher;
import io.flowcore.engine.internal.discovery.FlowClass;
import io.flowcore.engine.internal.discovery.FlowDefinition;
import io.flowcore.engine.internal.discovery.TaskDefinition;
import java.util.concurrent.Callable;

/**
 * Decides what an intercepted call becomes, from what runs on the calling thread: inside a flow run a
 * {@code @Task} call becomes a task run and a {@code @Flow} call a subflow run; inside
 * {@code Tasks.submit} a task call is captured; outside any run a task is a plain method call.
 * Registered with {@link java.util.ServiceLoader} as the API's {@link FlowcoreRuntime}.
 */
public final class EngineRuntime implements FlowcoreRuntime, CallDispatcher {
    private static final ThreadLocal<ExecutionContext> CURRENT = new ThreadLocal<>();
    private static final ThreadLocal<Entry> ENTRY = new ThreadLocal<>();

    static {
        FlowClass.install(new EngineRuntime());
    }

    /** Makes sure the dispatcher is installed; call before generating flow classes. */
    static void init() {
    }

    static ExecutionContext current() {
        return CURRENT.get();
    }

    /** Sets this thread's context and returns the previous one. */
    static ExecutionContext swap(ExecutionContext c) {
        ExecutionContext prev = CURRENT.get();
        if (c == null) CURRENT.remove();
        else CURRENT.set(c);
        return prev;
    }

    static Entry enter(Entry e) {
        Entry prev = ENTRY.get();
        ENTRY.set(e);
        return prev;
    }

    static void leave(Entry prev) {
        if (prev == null) ENTRY.remove();
        else ENTRY.set(prev);
    }

    @Override
    public RunContext currentContext() {
        return CURRENT.get();
    }

    @Override
    public <T> TaskFuture<T> submit(Callable<T> call) {
        ExecutionContext ctx = CURRENT.get();
        if (ctx == null) {
            throw new IllegalStateException("Tasks.submit() was called outside a flow run: call it from a @Flow method");
        }
        SubmitCapture capture = new SubmitCapture();
        ctx.capture = capture;
        try {
            call.call();
        } catch (Exception e) {
            throw Sneaky.rethrow(e);
        } finally {
            ctx.capture = null;
        }
        if (capture.calls != 1) {
            throw new IllegalArgumentException("Tasks.submit() expects a call of exactly one @Task method, "
                    + "e.g. Tasks.submit(() -> fetch(url)) or Tasks.submit(this::fetch, url); this one called "
                    + capture.calls);
        }
        @SuppressWarnings("unchecked")
        TaskFuture<T> f = (TaskFuture<T>) ctx.scope.engine.tasks.submit(ctx.scope, capture.task, capture.args,
                capture.body);
        return f;
    }

    @Override
    public <T> T newFlowInstance(Class<T> flowClass) {
        return flowClass.cast(FlowClass.of(flowClass).newInstance());
    }

    private static final java.time.Duration POLL = java.time.Duration.ofMillis(100);

    @Override
    public io.flowcore.api.run.FlowRunRecord runDeployment(String fullName, java.util.Map<String, ?> parameters,
                                                           java.time.Duration timeout) {
        ExecutionContext ctx = CURRENT.get();
        if (ctx == null) {
            throw new IllegalStateException("Flows.runDeployment(\"" + fullName + "\", ...) is called outside a flow run; "
                    + "outside one, use Flowcore.deployments().run(...)");
        }
        Engine engine = ctx.scope.engine;
        io.flowcore.api.run.FlowRunRecord run = new DeploymentService(engine).run(fullName, parameters, ctx.scope.id);
        ctx.log().info("Created flow run '{}' of deployment '{}'", run.name(), fullName);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!run.state().isFinal() && System.nanoTime() < deadline) {
            if (ctx.scope.cancelRequested) break;
            try {
                Thread.sleep(POLL.compareTo(timeout) < 0 ? POLL : timeout);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            run = engine.store.flowRun(run.id()).orElse(run);
        }
        return run;
    }

    @Override
    public Object onTask(TaskDefinition task, Object self, Object[] args, Callable<?> body) throws Exception {
        ExecutionContext ctx = CURRENT.get();
        if (ctx == null) return body.call();
        if (ctx.capture != null) {
            ctx.capture.capture(task, args, body);
            return Defaults.of(task.method().getReturnType());
        }
        return ctx.scope.engine.tasks.call(ctx.scope, task, args, body);
    }

    @Override
    public Object onFlow(FlowDefinition flow, Object self, Object[] args, Callable<?> body) throws Exception {
        ExecutionContext ctx = CURRENT.get();
        if (ctx != null) {
            if (ctx.capture != null) {
                throw new IllegalArgumentException("Tasks.submit() takes a @Task call; call the subflow "
                        + flow.name() + " directly");
            }
            return ctx.scope.engine.flows.subflow(ctx.scope, flow, args, body);
        }
        Entry e = ENTRY.get();
        if (e == null) {
            throw new IllegalStateException("flow '" + flow.name() + "' was called outside Flowcore.run(): run flows "
                    + "with Flowcore.run(" + flow.method().getDeclaringClass().getSimpleName() + ".class, f -> f."
                    + flow.method().getName() + "(...))");
        }
        FlowOutcome outcome = e.engine.flows.run(flow, args, body, null, e.resumeOf, e.claimed);
        e.outcome = outcome;
        if (outcome.error() != null) throw Sneaky.rethrow(outcome.error());
        return outcome.value();
    }

    /** A top-level flow call in progress on this thread (from {@code Engine.execute}). */
    static final class Entry {
        final Engine engine;
        final java.util.UUID resumeOf;
        /** A run a worker claimed: the flow call executes as that run instead of creating one. */
        final io.flowcore.api.spi.DeploymentStore.ClaimedRun claimed;
        FlowOutcome outcome;

        Entry(Engine engine, java.util.UUID resumeOf, io.flowcore.api.spi.DeploymentStore.ClaimedRun claimed) {
            this.engine = engine;
            this.resumeOf = resumeOf;
            this.claimed = claimed;
        }
    }
}
