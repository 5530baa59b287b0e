package io.flowcore.data;

/**
 * A source file whose column cannot be mapped safely onto the target schema, e.g. an integer
 * column holding 1.5, or text where a number belongs in a Parquet file's schema.
 * The message names the file, the column, both types and, when a value is at fault, its line or row.
 */
public final class SchemaDriftException extends RuntimeException {
    private final String file;
    private final String column;
    private final String fileType;
    private final String targetType;

    /** With a message naming file, column, both types and {@code detail}. */
    public SchemaDriftException(String file, String column, String fileType, String targetType, String detail) {
        super("cannot map " + file + " onto the target schema: column " + column + " is " + fileType
                + " in the file but " + targetType + " in the target schema, and " + detail);
        this.file = file;
        this.column = column;
        this.fileType = fileType;
        this.targetType = targetType;
    }

    /** The source file name. */
    public String file() { return file; }

    /** The column. */
    public String column() { return column; }

    /** The column's type in the file. */
    public String fileType() { return fileType; }

    /** The column's type in the target schema. */
    public String targetType() { return targetType; }
}
