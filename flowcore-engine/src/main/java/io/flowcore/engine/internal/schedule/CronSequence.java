package io.flowcore.engine.internal.schedule;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.field.CronFieldName;
import com.cronutils.model.field.expression.Always;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Locale;
import java.util.Optional;

/* A cron expression (cron-utils), matched on the wall clock: read in UTC, which has no DST. */
final class CronSequence implements LocalSequence {
    private static final CronParser UNIX = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
    private static final CronParser QUARTZ = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.QUARTZ));

    private final Cron cron;
    private final ExecutionTime times;
    private final boolean severalPerDay;

    private CronSequence(Cron cron) {
        this.cron = cron;
        this.times = ExecutionTime.forCron(cron);
        this.severalPerDay = cron.retrieve(CronFieldName.HOUR).getExpression() instanceof Always;
    }

    /** Parses 5 fields as Unix cron, 6 or 7 as Quartz. */
    static CronSequence parse(String expression) {
        int fields = expression.strip().split("\\s+").length;
        CronParser parser = switch (fields) {
            case 5 -> UNIX;
            case 6, 7 -> QUARTZ;
            default -> throw new IllegalArgumentException("cron '" + expression + "' has " + fields
                    + " fields; use 5 (Unix: minute hour day-of-month month day-of-week) or 6-7 (Quartz: seconds first)");
        };
        try {
            return new CronSequence(parser.parse(expression).validate());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cron '" + expression + "' is invalid (" + (fields == 5 ? "Unix" : "Quartz")
                    + "): " + e.getMessage(), e);
        }
    }

    /** In words, e.g. "at 05:00 at 1 day", for people. */
    String describe() {
        return com.cronutils.descriptor.CronDescriptor.instance(Locale.UK).describe(cron);
    }

    @Override
    public Optional<LocalDateTime> nextAfter(LocalDateTime after) {
        return times.nextExecution(ZonedDateTime.of(after, ZoneOffset.UTC)).map(ZonedDateTime::toLocalDateTime);
    }

    @Override
    public boolean severalPerDay() {
        return severalPerDay;
    }
}
