package io.flowcore.api.deployment;

import java.util.Locale;
import java.util.Objects;

/**
 * What a scheduler does about the instants of a deployment's schedules that passed while no scheduler ran
 * (Airflow's {@code catchup}): instants after the schedule's latest run and before now, which have no run.
 * By default ({@link #none()}) they are not run; {@link #latest()} creates a run for the most recent one, and
 * {@link #all(int)} for each of them, at most {@code max} (the most recent ones). A created run is due at once.
 *
 * @param mode what to create
 * @param max  at most this many missed runs per schedule and pass (1 for {@code latest}, 0 for {@code none})
 */
public record Catchup(Mode mode, int max) {
    /** What a scheduler creates for missed instants. */
    public enum Mode {
        /** Nothing: the next run is the next instant from now on. */
        NONE,
        /** A run for the most recent missed instant. */
        LATEST,
        /** A run for each missed instant, up to the cap. */
        ALL;

        /** As written in YAML: {@code none}, {@code latest}, {@code all}. */
        public String yamlName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /**
         * The mode written {@code name} in YAML.
         *
         * @throws IllegalArgumentException naming the value and the modes there are
         */
        public static Mode parse(String name) {
            for (Mode m : values()) if (m.yamlName().equalsIgnoreCase(name)) return m;
            throw new IllegalArgumentException("catchup '" + name + "' is not one of none, latest, all");
        }
    }

    /** The cap of {@link #all()}: at most this many missed runs per schedule. */
    public static final int DEFAULT_MAX = 100;

    public Catchup {
        Objects.requireNonNull(mode, "catchup mode");
        switch (mode) {
            case NONE -> max = 0;
            case LATEST -> max = 1;
            case ALL -> {
                if (max < 1) throw new IllegalArgumentException("catchup max must be >= 1: " + max);
            }
        }
    }

    /** Missed instants are not run (the default). */
    public static Catchup none() {
        return new Catchup(Mode.NONE, 0);
    }

    /** The most recent missed instant gets a run. */
    public static Catchup latest() {
        return new Catchup(Mode.LATEST, 1);
    }

    /** Each missed instant gets a run, at most {@code max} of them (the most recent). */
    public static Catchup all(int max) {
        return new Catchup(Mode.ALL, max);
    }

    /** Each missed instant gets a run, at most {@link #DEFAULT_MAX}. */
    public static Catchup all() {
        return all(DEFAULT_MAX);
    }

    /** {@code latest}, or {@code all (max 100)}, as {@code deployment inspect} shows it. */
    @Override
    public String toString() {
        return mode == Mode.ALL ? "all (max " + max + ")" : mode.yamlName();
    }
}
