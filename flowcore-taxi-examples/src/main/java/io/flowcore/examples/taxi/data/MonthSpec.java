package io.flowcore.examples.taxi.data;

import java.time.LocalDateTime;
import java.time.YearMonth;
import java.util.Map;
import java.util.Objects;

/**
 * One month of one service's trip records, and where it lives under the real URL layouts.
 *
 * @param service the service
 * @param year    the year, 2009 to 2100
 * @param month   the month, 1 to 12
 */
public record MonthSpec(Service service, int year, int month) {

    /** Real row counts of some TLC months (CSV backup files of the course), used as default sizes. */
    private static final Map<String, Long> REAL_ROWS = Map.of(
            "yellow-2019-01", 7_667_792L,
            "yellow-2020-01", 6_405_008L,
            "yellow-2021-01", 1_369_769L,
            "yellow-2021-02", 1_371_708L,
            "green-2019-01", 630_918L,
            "green-2020-01", 447_770L,
            "green-2021-01", 76_518L);

    /** @throws IllegalArgumentException naming the bad field and value */
    public MonthSpec {
        Objects.requireNonNull(service, "service");
        if (month < 1 || month > 12) throw new IllegalArgumentException("month must be 1..12, was " + month);
        if (year < 2009 || year > 2100) throw new IllegalArgumentException("year must be 2009..2100 (the TLC data starts in 2009), was " + year);
    }

    /** Shorthand for {@code new MonthSpec(service, year, month)}. */
    public static MonthSpec of(Service service, int year, int month) {
        return new MonthSpec(service, year, month);
    }

    /** {@code yellow_tripdata_2021-01}: the file name without extension. */
    public String baseName() {
        return "%s_tripdata_%04d-%02d".formatted(service.color(), year, month);
    }

    /** The TLC Parquet URL path: {@code /trip-data/yellow_tripdata_2021-01.parquet}. */
    public String parquetPath() {
        return "/trip-data/" + baseName() + ".parquet";
    }

    /** The course's CSV backup URL path: {@code /yellow/yellow_tripdata_2021-01.csv.gz}. */
    public String csvGzPath() {
        return "/" + service.color() + "/" + baseName() + ".csv.gz";
    }

    /** The first instant of the month (local time). */
    public LocalDateTime start() {
        return LocalDateTime.of(year, month, 1, 0, 0);
    }

    /** The number of days in the month. */
    public int days() {
        return YearMonth.of(year, month).lengthOfMonth();
    }

    /**
     * The real row count of the month when known (e.g. yellow 2021-01: 1,369,769), else a typical size
     * for the service in recent years (yellow 1.4 M, green 80 k, fhv 1.1 M).
     */
    public long realRowCount() {
        Long known = REAL_ROWS.get("%s-%04d-%02d".formatted(service.color(), year, month));
        if (known != null) return known;
        return switch (service) {
            case YELLOW -> 1_400_000L;
            case GREEN -> 80_000L;
            case FHV -> 1_100_000L;
        };
    }

    /** A seed derived from service, year and month only, so a month is generated the same everywhere. */
    public long seed() {
        long h = 0x9E3779B97F4A7C15L;
        h = (h ^ service.ordinal()) * 0xBF58476D1CE4E5B9L;
        h = (h ^ year) * 0x94D049BB133111EBL;
        h = (h ^ month) * 0xBF58476D1CE4E5B9L;
        return h ^ (h >>> 31);
    }

    @Override
    public String toString() {
        return baseName();
    }
}
