package io.flowcore.engine.internal.run;

import io.flowcore.api.state.State;
import io.flowcore.engine.internal.discovery.TaskDefinition;
import java.util.UUID;

/** A task run in memory while it executes; its current state is only changed through {@code Transitions}. */
final class TaskRun {
    final UUID id;
    final String name;
    final int index;
    final TaskDefinition task;
    final String cacheKey;
    volatile State state;
    /** The Pending row until it is written (TaskRunner.record): set before the task run's thread starts, then read by it. */
    io.flowcore.api.run.TaskRunRecord unrecorded;

    TaskRun(UUID id, String name, int index, TaskDefinition task, String cacheKey, State state) {
        this.id = id;
        this.name = name;
        this.index = index;
        this.task = task;
        this.cacheKey = cacheKey;
        this.state = state;
    }

    String label() {
        return "Task run '" + name + "'";
    }
}
