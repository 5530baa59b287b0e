/**
 * PostgreSQL loading with binary {@code COPY … FROM STDIN (FORMAT binary)}:
 * {@link io.flowcore.data.postgres.PostgresCopySink} streams {@link io.flowcore.data.RowBatch}es into a
 * table, {@link io.flowcore.data.postgres.PostgresLoader} loads a whole file in one transaction (optionally
 * replacing a time range), and {@link io.flowcore.data.postgres.SqlIdentifiers} validates and quotes every
 * schema, table and column name that reaches SQL.
 */
package io.flowcore.data.postgres;
