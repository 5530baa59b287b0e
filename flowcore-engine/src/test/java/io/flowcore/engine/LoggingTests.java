package io.flowcore.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.flowcore.api.Flow;
import io.flowcore.api.RunContext;
import io.flowcore.api.Task;
import io.flowcore.api.run.RunLog;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

@DisplayName("run logs")
class LoggingTests {
    @TempDir
    Path home;
    Flowcore fc;
    ListAppender<ILoggingEvent> console = new ListAppender<>();
    PatternLayoutEncoder prefect = new PatternLayoutEncoder();
    Logger flowcoreLogger = (Logger) LoggerFactory.getLogger("flowcore");
    Level before;

    @BeforeEach
    void open() {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        prefect.setContext(ctx);
        prefect.setPattern("%d{HH:mm:ss.SSS} | %-7level | %msg");
        prefect.start();
        console.start();
        before = flowcoreLogger.getLevel();
        flowcoreLogger.setLevel(Level.INFO);
        flowcoreLogger.addAppender(console);
        fc = TestEngines.inMemory(home);
    }

    @AfterEach
    void close() {
        fc.close();
        flowcoreLogger.detachAppender(console);
        flowcoreLogger.setLevel(before);
    }

    public static class Chatty {
        @Task
        public int transform(int rows) {
            RunContext.logger().info("pre: missing passenger count: {}", rows / 10);
            return rows - rows / 10;
        }

        @Task(logPrints = true)
        public void printer() {
            System.out.println("hello from a print");
        }

        @Flow(name = "Ingest Data", flowRunName = "ingest-{table}")
        public int ingest(String table) {
            RunContext.logger().info("Logging Subflow for: {}", table);
            printer();
            return transform(100);
        }
    }

    private List<String> consoleLines() {
        return console.list.stream().map(e -> new String(prefect.encode(e), StandardCharsets.UTF_8)).toList();
    }

    @Test
    void consoleLinesHavePrefectsShape() {
        fc.execute(Chatty.class, f -> f.ingest("yellow_taxi_trips"));

        List<String> lines = consoleLines();
        assertTrue(lines.stream().anyMatch(l -> l.matches(
                "\\d\\d:\\d\\d:\\d\\d\\.\\d{3} \\| INFO    \\| Task run 'transform-0' - Finished in state Completed\\(\\)")),
                String.join("\n", lines));
        assertTrue(lines.stream().anyMatch(l -> l.endsWith(
                "| INFO    | Flow run 'ingest-yellow_taxi_trips' - Logging Subflow for: yellow_taxi_trips")));
        assertTrue(lines.stream().anyMatch(l -> l.endsWith(
                "| INFO    | Created flow run 'ingest-yellow_taxi_trips' for flow 'Ingest Data'")));
    }

    @Test
    void userLogLinesAndCapturedPrintsAreStoredWithTheirRun() {
        FlowRun<Integer> run = fc.execute(Chatty.class, f -> f.ingest("green"));

        List<RunLog> logs = run.logs();
        RunLog pre = logs.stream().filter(l -> l.message().startsWith("pre:")).findFirst().orElseThrow();
        assertEquals("pre: missing passenger count: 10", pre.message());
        assertEquals("INFO", pre.level());
        assertEquals(run.taskRuns().get(1).id(), pre.taskRunId());
        RunLog print = logs.stream().filter(l -> l.message().equals("hello from a print")).findFirst().orElseThrow();
        assertEquals(run.taskRuns().getFirst().id(), print.taskRunId());
        RunLog flowLine = logs.stream().filter(l -> l.message().startsWith("Logging Subflow")).findFirst().orElseThrow();
        assertEquals(null, flowLine.taskRunId());
    }
}
