package io.flowcore.api.deployment;

import io.flowcore.api.run.FlowRunRecord;
import java.time.Instant;

/**
 * One run of a schedule that a backfill (or its dry run) planned: created, or not.
 *
 * @param schedule       the schedule whose instant this is
 * @param instant        the schedule's instant
 * @param parametersJson the run's parameters as rendered from the deployment's templates, as JSON
 * @param run            the run as planned for this instant (stored only when {@code created})
 * @param created        false when a run for this instant existed already, or on a dry run
 */
public record PlannedRun(Schedule schedule, Instant instant, String parametersJson, FlowRunRecord run,
                         boolean created) {
}
