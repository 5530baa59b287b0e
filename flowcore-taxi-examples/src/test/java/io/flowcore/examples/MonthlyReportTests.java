package io.flowcore.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowcore.api.run.FlowRunQuery;
import io.flowcore.api.state.StateType;
import io.flowcore.engine.FlowRun;
import io.flowcore.engine.Flowcore;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MonthlyReportTests {
    @TempDir
    Path home;

    @Test
    void theDemoFlowCompletesWithOneSubflowPerMonthAndCachesTransformsOnTheSecondRun() {
        try (Flowcore fc = Flowcore.create(cfg -> cfg.home(home))) {
            FlowRun<String> first = fc.execute(MonthlyReport.class, f -> f.yearlyReport(2021, List.of(1, 2)));
            assertEquals(StateType.COMPLETED, first.state().type(), String.valueOf(first.error()));
            assertTrue(first.result().lines().count() == 3, first.result());
            assertEquals(2, fc.history().flowRuns(FlowRunQuery.all().flow("month-report")).size());

            FlowRun<String> second = fc.execute(MonthlyReport.class, f -> f.yearlyReport(2021, List.of(1, 2)));
            assertEquals(first.result(), second.result());
            long cached = fc.history().flowRuns(FlowRunQuery.all().flow("month-report")).stream()
                    .flatMap(r -> fc.history().taskRuns(r.id()).stream())
                    .filter(t -> t.state().name().equals("Cached")).count();
            assertEquals(2, cached);
        }
    }
}
