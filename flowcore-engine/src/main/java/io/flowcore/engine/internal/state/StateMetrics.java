package io.flowcore.engine.internal.state;

import io.flowcore.api.state.State;
import io.flowcore.api.state.StateType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What {@link Transitions} records into a Micrometer registry, since every state a run enters passes there:
 * <ul>
 *   <li>{@code flowcore.flow.run.states} and {@code flowcore.task.run.states}: counters of states entered, tagged
 *       {@code type} and {@code state} (its name: Late, Retrying, Cached, ...);</li>
 *   <li>{@code flowcore.task.run.duration}: a timer of task runs from Running to their final state, tagged
 *       {@code type} (COMPLETED, FAILED, ...).</li>
 * </ul>
 * Meters are made once per state and kept, so a task pays a few map reads and increments.
 * {@link #NONE} (no registry) records nothing.
 */
public final class StateMetrics {
    public static final StateMetrics NONE = new StateMetrics(null);

    private final MeterRegistry registry;
    private final Map<StateType, ConcurrentHashMap<String, Counter>> flowStates = byType();
    private final Map<StateType, ConcurrentHashMap<String, Counter>> taskStates = byType();
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
                Timer t = taskDurations.get(to.type());
                if (t == null) t = taskDurations.computeIfAbsent(to.type(), type -> Timer.builder("flowcore.task.run.duration")
                        .description("Task runs from Running to their final state").tag("type", type.name()).register(registry));
                t.record(d);
            }
        }
    }

    private Counter counter(Map<StateType, ConcurrentHashMap<String, Counter>> cache, String name, String description,
                            State s) {
        ConcurrentHashMap<String, Counter> ofType = cache.get(s.type());
        Counter c = ofType.get(s.name()); // looked up first: computeIfAbsent's lambda would be made on every call
        return c != null ? c : ofType.computeIfAbsent(s.name(), n -> Counter.builder(name).description(description)
                .tag("type", s.type().name()).tag("state", n).register(registry));
    }

    private static Map<StateType, ConcurrentHashMap<String, Counter>> byType() {
        Map<StateType, ConcurrentHashMap<String, Counter>> m = new EnumMap<>(StateType.class);
        for (StateType t : StateType.values()) m.put(t, new ConcurrentHashMap<>());
        return m;
    }
}
