package io.flowcore.examples.taxi.data;

import java.util.Locale;

/** The three NYC TLC trip-record services, named as in the TLC file names ({@code yellow_tripdata_…}). */
public enum Service {
    /** Yellow taxis (medallion cabs): {@code tpep_*} timestamps. */
    YELLOW,
    /** Green taxis (street-hail livery): {@code lpep_*} timestamps, {@code ehail_fee}, {@code trip_type}. */
    GREEN,
    /** For-hire vehicles: dispatching base, pickup/drop-off times and zones only. */
    FHV;

    /** The lower-case name used in URLs and file names: {@code yellow}, {@code green}, {@code fhv}. */
    public String color() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a color as written in URLs ({@code "yellow"}, {@code "green"}, {@code "fhv"}), ignoring case.
     *
     * @throws IllegalArgumentException naming the value and the valid ones when it is none of them
     */
    public static Service ofColor(String color) {
        for (Service s : values()) {
            if (s.color().equalsIgnoreCase(color)) return s;
        }
        throw new IllegalArgumentException("unknown taxi service '" + color + "'; valid: yellow, green, fhv");
    }
}
