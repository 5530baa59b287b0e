package io.flowcore.examples.taxi;

import io.flowcore.examples.taxi.data.MonthSpec;
import io.flowcore.examples.taxi.data.Service;
import java.time.Year;
import java.util.List;

/**
 * The taxi flows' parameters. Their fixed rules are constraints on the flow methods (months 1..12, a year
 * from {@link #FIRST_YEAR}, a color of {@link #COLORS}), checked before a run is queued and again before it
 * starts; what no annotation can say is checked here, before any work.
 */
final class TaxiMonth {
    static final int FIRST_YEAR = 2009; // the TLC's trip records start in 2009
    static final String COLORS = "yellow|green|fhv";

    private TaxiMonth() {
    }

    /** The months to load, each once; a year after this one (it moves with the clock) is refused, naming it. */
    static List<MonthSpec> validate(List<Integer> months, int year, String color) {
        int lastYear = Year.now().getValue();
        if (year > lastYear) {
            throw new IllegalArgumentException("parameter 'year' is " + year + ": TLC trip data exists for "
                    + FIRST_YEAR + ".." + lastYear);
        }
        if (months.stream().anyMatch(java.util.Objects::isNull)) throw new IllegalArgumentException("parameter 'months' contains null");
        Service service = Service.ofColor(color);
        return months.stream().distinct().map(m -> MonthSpec.of(service, year, m)).toList();
    }
}
