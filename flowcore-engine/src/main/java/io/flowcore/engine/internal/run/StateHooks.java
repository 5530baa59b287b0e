package io.flowcore.engine.internal.run;

import io.flowcore.api.run.FlowRunRecord;
import io.flowcore.api.run.TaskRunRecord;
import io.flowcore.api.state.State;
import io.flowcore.engine.internal.discovery.FlowClass;
import io.flowcore.engine.internal.discovery.FlowDefinition;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;

/**
 * Calls a flow's or a task's state hooks once its final state is committed: completion, failure and
 * cancellation hooks in the engine that ran the flow (a task's on the task's thread), crash hooks of a
 * flow in the engine that marked the run Crashed (when the flow's class loads there). A hook is user code:
 * what it throws is logged with the run, and the run's state stays what the store holds.
 */
final class StateHooks {
    private final Engine engine;

    StateHooks(Engine engine) {
        this.engine = engine;
    }

    /** After a run this engine executed ended in {@code end} (committed). */
    void afterEnd(FlowDefinition flow, UUID flowRunId, String runName, State end) {
        List<Method> hooks = flow.hooks().after(end.type());
        if (hooks.isEmpty()) return;
        call(flow, hooks, flowRunId, runName, end);
    }

    /** After this engine marked another engine's run Crashed. */
    void afterCrash(UUID flowRunId, State crashed) {
        FlowRunRecord r = engine.store.flowRun(flowRunId).orElse(null);
        if (r == null || r.flowClass() == null) return;
        FlowDefinition flow;
        try {
            Class<?> type = Class.forName(r.flowClass(), true, Thread.currentThread().getContextClassLoader());
            flow = FlowClass.of(type).flow(r.flowMethod());
        } catch (ClassNotFoundException | LinkageError | IllegalArgumentException e) {
            if (CrashHooksElsewhere.start(engine, r)) return; // in a JVM with the deployment's code
            RunLogs.ENGINE.info("Flow run '{}' crashed; its crash hooks (if any) do not run here: {} is not on this "
                    + "engine's classpath ({})", r.name(), r.flowClass(), e.toString());
            return;
        }
        List<Method> hooks = flow.hooks().after(crashed.type());
        if (hooks.isEmpty()) return;
        Thread.ofVirtual().name("flowcore-crash-hooks").start(() -> call(flow, hooks, flowRunId, r.name(), crashed));
    }

    /**
     * In the JVM {@link CrashHooksElsewhere} started with the flow's code: runs the crash hooks of the crashed run
     * {@code flowRunId} now, on this thread.
     */
    void crashHooksHere(UUID flowRunId) throws ClassNotFoundException {
        FlowRunRecord r = engine.store.flowRun(flowRunId)
                .orElseThrow(() -> new IllegalArgumentException("no flow run " + flowRunId + " in this store"));
        Class<?> type = Class.forName(r.flowClass(), true, Thread.currentThread().getContextClassLoader());
        FlowDefinition flow = FlowClass.of(type).flow(r.flowMethod());
        List<Method> hooks = flow.hooks().after(r.state().type());
        if (!hooks.isEmpty()) call(flow, hooks, flowRunId, r.name(), r.state());
    }

    /**
     * After a task run this engine executed ended in {@code end}: on the task's thread, before the task call
     * returns. Reading the run back waits for the store's writer, so the state is committed when the hooks
     * run; a state the store refused (the flow run was taken over meanwhile) calls none.
     */
    void afterTask(FlowScope scope, TaskRun run, State end) {
        List<Method> hooks = run.task.hooks().after(end.type());
        if (hooks.isEmpty()) return;
        Logger log = engine.logs.forTask(scope, run);
        // A cancelled task's thread may still carry the interrupt: let the hook run, then give it back.
        boolean interrupted = Thread.interrupted();
        try {
            TaskRunRecord record;
            Object target;
            try {
                record = engine.store.taskRun(run.id).orElse(null);
                if (record == null || record.state().type() != end.type()) return;
                // A new instance, as for flow hooks: of the running flow's class when it declares or inherits the task.
                Class<?> owner = run.task.method().getDeclaringClass();
                Class<?> flowClass = scope.flow.method().getDeclaringClass();
                target = FlowClass.of(owner.isAssignableFrom(flowClass) ? flowClass : owner).newInstance();
            } catch (RuntimeException e) {
                // the task's outcome stays as it is, whatever happens here
                log.error("The hooks of {} could not be called; it stays {}: {}", run.label(), end.name(),
                        Errors.describe(e), e);
                return;
            }
            invoke(log, hooks, target, record, end);
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    private void call(FlowDefinition flow, List<Method> hooks, UUID flowRunId, String runName, State end) {
        Logger log = engine.logs.forFlowRun(flowRunId, runName);
        FlowRunRecord record = engine.store.flowRun(flowRunId).orElse(null);
        if (record == null) return;
        Object target = FlowClass.of(flow.method().getDeclaringClass()).newInstance();
        invoke(log, hooks, target, record, end);
    }

    /** Calls each hook with {@code (record, end)}; what one throws is logged and the next still runs. */
    private static void invoke(Logger log, List<Method> hooks, Object target, Object record, State end) {
        for (Method hook : hooks) {
            try {
                log.info("Running hook '{}' in response to entering state '{}'", hook.getName(), end.name());
                hook.invoke(target, record, end);
                log.info("Hook '{}' finished running successfully", hook.getName());
            } catch (InvocationTargetException e) {
                log.error("An error was encountered while running hook '{}'; the run stays {}: {}", hook.getName(),
                        end.name(), Errors.describe(e.getCause()), e.getCause());
            } catch (ReflectiveOperationException | RuntimeException e) {
                log.error("Hook '{}' could not be called; the run stays {}: {}", hook.getName(), end.name(),
                        Errors.describe(e), e);
            }
        }
    }
}
