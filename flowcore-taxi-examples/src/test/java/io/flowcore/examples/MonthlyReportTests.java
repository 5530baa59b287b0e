package io.flowcore.examples;

import static io.flowcore.testing.FlowRunAssert.assertThatRun;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.flowcore.api.run.FlowRunQuery;
import io.flowcore.engine.FlowRun;
import io.flowcore.engine.Flowcore;
import io.flowcore.testing.FlowcoreExtension;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class MonthlyReportTests {
    @RegisterExtension
    FlowcoreExtension flowcore = FlowcoreExtension.sqlite();

    @Test
    void theDemoFlowCompletesWithOneSubflowPerMonthAndCachesTransformsOnTheSecondRun() {
        Flowcore fc = flowcore.engine();
        FlowRun<String> first = fc.execute(MonthlyReport.class, f -> f.yearlyReport(2021, List.of(1, 2)));
        assertThatRun(first).isCompleted();
        assertEquals(3, first.result().lines().count(), first.result());
        assertEquals(2, fc.history().flowRuns(FlowRunQuery.all().flow("month-report")).size());

        FlowRun<String> second = fc.execute(MonthlyReport.class, f -> f.yearlyReport(2021, List.of(1, 2)));
        assertEquals(first.result(), second.result());
        long cached = fc.history().flowRuns(FlowRunQuery.all().flow("month-report")).stream()
                .flatMap(r -> fc.history().taskRuns(r.id()).stream())
                .filter(t -> t.state().name().equals("Cached")).count();
        assertEquals(2, cached);
    }
}
