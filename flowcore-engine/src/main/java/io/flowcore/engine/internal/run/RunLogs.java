package io.flowcore.engine.internal.run;

import io.flowcore.api.run.RunLog;
import io.flowcore.api.spi.StateStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.InstantSource;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/**
 * Run loggers: each line is stored with its run (at or above the stored level) and forwarded to
 * SLF4J as {@code flowcore.flow_runs} / {@code flowcore.task_runs}, prefixed in Prefect's shape:
 * {@code Task run 'fetch-0' - Finished in state Completed()}. With the pattern
 * {@code %d{HH:mm:ss.SSS} | %-7level | %msg%n} the console shows Prefect's lines.
 */
final class RunLogs {
    static final Logger FLOW_RUNS = LoggerFactory.getLogger("flowcore.flow_runs");
    static final Logger TASK_RUNS = LoggerFactory.getLogger("flowcore.task_runs");
    static final Logger ENGINE = LoggerFactory.getLogger("flowcore.engine");

    /** False in a run's own JVM: its lines are stored, and the worker copies its console into the run's log. */
    static volatile boolean echo = true;

    private final StateStore store;
    private final InstantSource clock;
    private final int storedLevel;

    RunLogs(StateStore store, InstantSource clock, Level storedLevel) {
        this.store = store;
        this.clock = clock;
        this.storedLevel = storedLevel.toInt();
    }

    Logger forFlow(FlowScope scope) {
        return forFlowRun(scope.id, scope.name);
    }

    /** Lines stored with a flow run this engine does not execute (a crashed run's hooks). */
    Logger forFlowRun(UUID flowRunId, String name) {
        return new RunLogger(flowRunId, null, "Flow run '" + name + "' - ", FLOW_RUNS);
    }

    Logger forTask(FlowScope scope, TaskRun task) {
        return new RunLogger(scope.id, task.id, "Task run '" + task.name + "' - ", TASK_RUNS);
    }

    private final class RunLogger extends LegacyAbstractLogger {
        private final UUID flowRunId;
        private final UUID taskRunId;
        private final String prefix;
        private final Logger delegate;

        RunLogger(UUID flowRunId, UUID taskRunId, String prefix, Logger delegate) {
            this.flowRunId = flowRunId;
            this.taskRunId = taskRunId;
            this.prefix = prefix;
            this.delegate = delegate;
            this.name = delegate.getName();
        }

        private boolean enabled(Level level) {
            return level.toInt() >= storedLevel || delegate.isEnabledForLevel(level);
        }

        @Override
        public boolean isTraceEnabled() {
            return enabled(Level.TRACE);
        }

        @Override
        public boolean isDebugEnabled() {
            return enabled(Level.DEBUG);
        }

        @Override
        public boolean isInfoEnabled() {
            return enabled(Level.INFO);
        }

        @Override
        public boolean isWarnEnabled() {
            return enabled(Level.WARN);
        }

        @Override
        public boolean isErrorEnabled() {
            return enabled(Level.ERROR);
        }

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] args,
                                                   Throwable error) {
            String msg = args == null || args.length == 0 ? pattern : MessageFormatter.basicArrayFormat(pattern, args);
            if (level.toInt() >= storedLevel) {
                String stored = error == null ? msg : msg + "\n" + stackTrace(error);
                store.appendLog(new RunLog(flowRunId, taskRunId, clock.instant(), level.name(), name, stored));
            }
            if (echo && delegate.isEnabledForLevel(level)) {
                delegate.atLevel(level).setCause(error).log(prefix + msg);
            }
        }
    }

    static String stackTrace(Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        return w.toString().stripTrailing();
    }
}
