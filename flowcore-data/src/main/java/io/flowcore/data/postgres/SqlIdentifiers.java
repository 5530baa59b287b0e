package io.flowcore.data.postgres;

import java.util.regex.Pattern;

/**
 * Validates and quotes SQL identifiers, so a table or column name from configuration or a file header
 * can never inject SQL: only letters, digits and {@code _} (not starting with a digit, at most 63
 * characters, PostgreSQL's limit), optionally as {@code schema.table}. Quoting keeps the case as written.
 */
public final class SqlIdentifiers {
    private static final Pattern PART = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");
    private static final Pattern TYPE = Pattern.compile("[A-Za-z][A-Za-z0-9_ ]{0,40}(\\(\\d{1,4}(,\\s*\\d{1,4})?\\))?(\\[\\])?");

    private SqlIdentifiers() {
    }

    /**
     * The quoted form of a table name ({@code table} or {@code schema.table}), e.g. {@code "public"."trips"}.
     *
     * @param what what the name is, for the error, e.g. {@code "table name"}
     * @throws IllegalArgumentException naming {@code what} and the name when it is not allowed
     */
    public static String quoteQualified(String name, String what) {
        if (name == null) throw new IllegalArgumentException(what + " is missing");
        String[] parts = name.split("\\.", -1);
        if (parts.length > 2) throw invalid(name, what);
        StringBuilder out = new StringBuilder();
        for (String p : parts) {
            if (!PART.matcher(p).matches()) throw invalid(name, what);
            if (!out.isEmpty()) out.append('.');
            out.append('"').append(p).append('"');
        }
        return out.toString();
    }

    /**
     * The quoted form of a single identifier (a column name).
     *
     * @throws IllegalArgumentException naming {@code what} and the name when it is not allowed
     */
    public static String quote(String name, String what) {
        if (name == null || !PART.matcher(name).matches()) throw invalid(name, what);
        return '"' + name + '"';
    }

    /**
     * {@code type} when it is a plain SQL type name such as {@code BIGINT}, {@code VARCHAR(20)} or
     * {@code NUMERIC(10, 2)}.
     *
     * @throws IllegalArgumentException naming the column when it is not
     */
    public static String checkType(String type, String column) {
        if (type == null || !TYPE.matcher(type).matches()) {
            throw new IllegalArgumentException("invalid SQL type '" + type + "' for column '" + column
                    + "': use a plain type name such as BIGINT, TEXT, VARCHAR(20) or NUMERIC(10, 2)");
        }
        return type;
    }

    private static IllegalArgumentException invalid(String name, String what) {
        String shown = name == null ? "null" : name.length() > 80 ? name.substring(0, 80) + "…(" + name.length() + " characters)" : name;
        return new IllegalArgumentException("invalid " + what + " '" + shown + "': use letters, digits and _ (not starting with"
                + " a digit, at most 63 characters), optionally as schema.table");
    }
}
