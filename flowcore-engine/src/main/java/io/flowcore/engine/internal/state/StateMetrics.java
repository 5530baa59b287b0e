package io.flowcore.engine.internal.state;

import io.flowcore.api.state.State;
import io.flowcore.api.state.StateType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What {@link Transitions} records into a Micrometer registry, since every state a run enters passes there:
 * <ul>
 *   <li>{@code flowcore.flow.run.states} and {@code flowcore.task.run.states}: counters of states entered, tagged
 *       {@code type} and {@code state} (its name: Late, Retrying, Cached, ...);</li>
 *   <li>{@code flowcore.task.run.duration}: a timer of task runs from Running to their final state, tagged
 *       {@code type} (COMPLETED, FAILED, ...).</li>
 * </ul>
 * Meters are looked up once per state name and kept, so a task pays two map reads and two increments.
 * {@link #NONE} (no registry) records nothing.
 */
public final class StateMetrics {
    public static final StateMetrics NONE = new StateMetrics(null);

    private final MeterRegistry registry;
    private final ConcurrentHashMap<String, Counter> flowStates = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> taskStates = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<StateType, Timer> taskDurations = new ConcurrentHashMap<>();

    /** @param registry where to record; null records nothing */
    public StateMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void flowRunEntered(State to) {
        if (registry == null || to == null) return;
        counter(flowStates, "flowcore.flow.run.states", "Flow run states entered", to).increment();
    }

    void taskRunEntered(State from, State to) {
        if (registry == null) return;
        counter(taskStates, "flowcore.task.run.states", "Task run states entered", to).increment();
        if (to.isFinal() && from.type() == StateType.RUNNING) {
            Duration d = Duration.between(from.timestamp(), to.timestamp());
            if (!d.isNegative()) {
                taskDurations.computeIfAbsent(to.type(), t -> Timer.builder("flowcore.task.run.duration")
                        .description("Task runs from Running to their final state")
                        .tag("type", t.name()).register(registry)).record(d);
            }
        }
    }

    private Counter counter(ConcurrentHashMap<String, Counter> cache, String name, String description, State s) {
        Counter c = cache.get(s.name());
        if (c != null && c.getId().getTag("type").equals(s.type().name())) return c;
        return cache.compute(s.name(), (k, old) -> old != null && old.getId().getTag("type").equals(s.type().name()) ? old
                : Counter.builder(name).description(description).tag("type", s.type().name()).tag("state", s.name())
                .register(registry));
    }
}
