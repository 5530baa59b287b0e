package io.flowcore.api.run;

import java.time.Instant;
import java.util.UUID;

/**
 * A log line stored with its run.
 *
 * @param flowRunId the flow run
 * @param taskRunId the task run, or null for flow-level lines
 * @param timestamp when it was logged
 * @param level     TRACE, DEBUG, INFO, WARN or ERROR
 * @param logger    the logger's name
 * @param message   the formatted message (with a stack trace, if any)
 */
public record RunLog(UUID flowRunId, UUID taskRunId, Instant timestamp, String level, String logger, String message) {
}
