package io.flowcore.examples.taxi;

import io.flowcore.examples.taxi.data.MonthSpec;
import io.flowcore.examples.taxi.data.Service;
import java.time.Year;
import java.util.List;

/** Checks the parent flow's parameters before any work: the message names the parameter and what is valid. */
final class TaxiMonth {
    static final int FIRST_YEAR = 2009; // the TLC's trip records start in 2009

    private TaxiMonth() {
    }

    static List<MonthSpec> validate(List<Integer> months, int year, String color) {
        if (months == null || months.isEmpty()) {
            throw new IllegalArgumentException("parameter 'months' is empty: give at least one month, e.g. [1, 2]");
        }
        int lastYear = Year.now().getValue();
        if (year < FIRST_YEAR || year > lastYear) {
            throw new IllegalArgumentException("parameter 'year' is " + year + ": TLC trip data exists for "
                    + FIRST_YEAR + ".." + lastYear);
        }
        Service service;
        try {
            service = Service.ofColor(color);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("parameter 'color' is '" + color + "': valid are yellow, green, fhv");
        }
        for (Integer m : months) {
            if (m == null || m < 1 || m > 12) {
                throw new IllegalArgumentException("parameter 'months' contains " + m + ": months are 1..12");
            }
        }
        return months.stream().distinct().map(m -> MonthSpec.of(service, year, m)).toList();
    }
}
