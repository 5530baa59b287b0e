package io.flowcore.blocks.sql;

/** What {@link SqlConnector#load} does when the table already exists. */
public enum IfExists {
    /** Refuse to load: the table must not exist. */
    FAIL,
    /** Drop the table and create it again, in the same transaction as the load. */
    REPLACE,
    /** Add the rows (creating the table if it is missing). Re-running duplicates rows. */
    APPEND
}
