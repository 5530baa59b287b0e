package io.flowcore.api.deployment;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The parameters of a flow run do not fit its {@code @Flow} method: a value cannot be converted to the
 * parameter's type, breaks one of its constraints ({@code @Min}, {@code @Pattern}, {@code @NotNull}, …),
 * or names no parameter. It lists every problem at once; its message is one line, e.g.
 * {@code parameter 'months[0]' = 13: must be less than or equal to 12; parameter 'color' = "red": must match "yellow|green"}.
 */
public class InvalidParametersException extends IllegalArgumentException {
    private final transient List<Violation> violations;

    /** @param violations at least one */
    public InvalidParametersException(List<Violation> violations) {
        super(message(violations));
        this.violations = List.copyOf(violations);
    }

    /** Every problem found, in the order of the method's parameters. */
    public List<Violation> violations() {
        return violations;
    }

    private static String message(List<Violation> violations) {
        if (violations == null || violations.isEmpty()) {
            throw new IllegalArgumentException("an InvalidParametersException needs at least one violation");
        }
        return violations.stream().map(Violation::toString).collect(Collectors.joining("; "));
    }

    /**
     * One problem with one value.
     *
     * @param path    where the value is: a parameter name, then {@code [index]} into lists and
     *                {@code .component} into records, e.g. {@code months[1]} or {@code window.start}
     * @param value   the value as JSON text ({@code null} when it was missing), shortened when long
     * @param message what it breaks, e.g. {@code must be less than or equal to 12}
     */
    public record Violation(String path, String value, String message) {
        public Violation {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(value, "value");
            Objects.requireNonNull(message, "message");
        }

        /** {@code parameter '<path>' = <value>: <message>}. */
        @Override
        public String toString() {
            return "parameter '" + path + "' = " + value + ": " + message;
        }
    }
}
