package io.flowcore.engine.internal.schedule;

import java.time.LocalDateTime;
import java.util.Optional;

/** Wall-clock date-times a rule matches, with no time zone: {@link WallClockTimes} places them on the time line. */
interface LocalSequence {
    /** The first matching local date-time strictly after {@code after}. */
    Optional<LocalDateTime> nextAfter(LocalDateTime after);

    /** True when it matches several times a day: it then fires at both occurrences of a repeated hour and skips a missing one. */
    boolean severalPerDay();
}
