package io.flowcore.examples;

import io.flowcore.api.run.StateChange;
import io.flowcore.api.run.TaskRunRecord;
import io.flowcore.engine.FlowRun;
import io.flowcore.engine.Flowcore;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The engine demo of docs/concepts.md: runs {@link MonthlyReport} with the default, embedded settings (runs, logs
 * and results under {@code ~/.flowcore}, or {@code $FLOWCORE_HOME}), then prints what was recorded.
 */
public final class Demo {
    private Demo() {
    }

    public static void main(String[] args) {
        FlowRun<String> run = Flowcore.run(MonthlyReport.class, f -> f.yearlyReport(2021, List.of(1, 2, 3)));
        System.out.println();
        System.out.println(run.isCompleted() ? run.result() : "flow run failed: " + run.state());
        System.out.println("Flow run '" + run.name() + "' history: " + run.stateHistory().stream()
                .map(c -> c.state().name()).collect(Collectors.joining(" -> ")));
        System.out.println("Task runs:");
        for (TaskRunRecord t : run.taskRuns()) {
            List<StateChange> h = Flowcore.shared().history().stateHistory(t.id());
            System.out.printf("  %-14s %s%n", t.name(),
                    h.stream().map(c -> c.state().name()).collect(Collectors.joining(" -> ")));
        }
        System.out.println("Stored in: " + Flowcore.shared().history().storeName()
                + " (run it again: the monthly transforms come from the cache)");
        Flowcore.shared().close();
        if (!run.isCompleted()) System.exit(1);
    }
}
