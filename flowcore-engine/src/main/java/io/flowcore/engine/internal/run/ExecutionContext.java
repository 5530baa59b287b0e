package io.flowcore.engine.internal.run;

import io.flowcore.api.RunContext;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;

/** The {@link RunContext} of one thread: a flow run, or a task run attempt inside it. */
final class ExecutionContext implements RunContext {
    final FlowScope scope;
    final TaskRun task;
    final int attempt;
    final boolean logPrints;
    /** Set while {@code Tasks.submit}'s lambda runs on this thread: task calls are captured, not run. */
    SubmitCapture capture;
    private Logger logger;

    ExecutionContext(FlowScope scope, TaskRun task, int attempt, boolean logPrints) {
        this.scope = scope;
        this.task = task;
        this.attempt = attempt;
        this.logPrints = logPrints;
    }

    @Override
    public UUID flowRunId() {
        return scope.id;
    }

    @Override
    public String flowRunName() {
        return scope.name;
    }

    @Override
    public String flowName() {
        return scope.flow.name();
    }

    @Override
    public Optional<UUID> taskRunId() {
        return task == null ? Optional.empty() : Optional.of(task.id);
    }

    @Override
    public Optional<String> taskRunName() {
        return task == null ? Optional.empty() : Optional.of(task.name);
    }

    @Override
    public int attempt() {
        return attempt;
    }

    @Override
    public Map<String, Object> parameters() {
        return scope.parameters;
    }

    @Override
    public <T extends io.flowcore.api.block.Block> T block(String name, Class<T> type) {
        return scope.engine.blocks.load(name, type);
    }

    @Override
    public Logger log() {
        if (logger == null) logger = task == null ? scope.engine.logs.forFlow(scope) : scope.engine.logs.forTask(scope, task);
        return logger;
    }
}
