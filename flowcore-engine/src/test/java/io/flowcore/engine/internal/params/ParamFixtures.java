package io.flowcore.engine.internal.params;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Methods whose parameters the binder and the schema are tested on (their bodies never run). */
public class ParamFixtures {
    public enum Color { YELLOW, GREEN }

    public record Window(@NotNull LocalDate start, @Min(1) @Max(31) int days) {
    }

    /** Holds a window without {@code @Valid}: its constraints are not checked. */
    public record Unchecked(Window window) {
    }

    /** Scalars whose JSON values are taken as they are when they already have the parameter's type. */
    public void scalars(int small, Integer boxed, long big, Long bigBoxed, boolean flag, Boolean boxedFlag, String text) {
    }

    public void types(List<Integer> months, Color color, LocalDate day, Path folder, Window window, int year,
                      boolean dryRun, double rate, String note, Map<String, Integer> limits) {
    }

    public void constrained(@Min(1) @Max(12) int month, List<@Min(1) @Max(12) Integer> months,
                            @Pattern(regexp = "yellow|green") String color, @NotNull String table,
                            @Valid Window window, List<@Valid Window> windows, Window notCascaded) {
    }

    public record Label(@NotEmpty String text, @Size(max = 2) Map<String, String> extra) {
    }

    /** Sizes: {@code @NotEmpty} refuses null and empty, {@code @Size} names both bounds and lets null pass. */
    public void sized(@NotEmpty List<@Min(1) Integer> months, @Size(min = 2, max = 4) String code,
                      @Size(max = 2) List<String> tags, @NotEmpty String name, @Valid Label label) {
    }

    /** A record whose constructor refuses values itself. */
    public record Month(int value) {
        public Month {
            if (value < 1 || value > 12) throw new IllegalArgumentException("a month is 1-12, not " + value);
        }
    }

    public void withMonth(Month month) {
    }

    /** A flow method inherited from an abstract class. */
    public abstract static class Base {
        public void inherited(@Min(1) int n) {
        }
    }

    /** Counts its constructions: checking parameters must not construct the flow. */
    public static class Constructed {
        static final java.util.concurrent.atomic.AtomicInteger CONSTRUCTIONS = new java.util.concurrent.atomic.AtomicInteger();

        public Constructed() {
            CONSTRUCTIONS.incrementAndGet();
        }

        public void run(@Max(5) int n) {
        }
    }

    static Method method(String name) {
        return Arrays.stream(ParamFixtures.class.getDeclaredMethods()).filter(m -> m.getName().equals(name))
                .findFirst().orElseThrow();
    }
}
