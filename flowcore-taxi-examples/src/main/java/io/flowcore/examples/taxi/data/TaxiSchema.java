package io.flowcore.examples.taxi.data;

import static io.flowcore.examples.taxi.data.ColumnType.DOUBLE;
import static io.flowcore.examples.taxi.data.ColumnType.INT64;
import static io.flowcore.examples.taxi.data.ColumnType.TEXT;
import static io.flowcore.examples.taxi.data.ColumnType.TIMESTAMP;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.StringJoiner;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;

/**
 * An ordered set of columns: either the canonical schema of a {@link Service} (what flowcore writes)
 * or the schema found in one source file (what it reads, which may have drifted).
 *
 * @param service the service the rows belong to
 * @param columns the columns, in file order
 */
public record TaxiSchema(Service service, List<Column> columns) {

    /** @throws IllegalArgumentException when two columns share a name (ignoring case) */
    public TaxiSchema {
        Objects.requireNonNull(service, "service");
        columns = List.copyOf(columns);
        for (int i = 0; i < columns.size(); i++) {
            for (int j = 0; j < i; j++) {
                if (columns.get(i).name().equalsIgnoreCase(columns.get(j).name())) {
                    throw new IllegalArgumentException("duplicate column " + columns.get(i).name() + " in " + service + " schema");
                }
            }
        }
    }

    private static final TaxiSchema YELLOW = new TaxiSchema(Service.YELLOW, List.of(
            new Column("VendorID", INT64),
            new Column("tpep_pickup_datetime", TIMESTAMP),
            new Column("tpep_dropoff_datetime", TIMESTAMP),
            new Column("passenger_count", INT64),
            new Column("trip_distance", DOUBLE),
            new Column("RatecodeID", INT64),
            new Column("store_and_fwd_flag", TEXT),
            new Column("PULocationID", INT64),
            new Column("DOLocationID", INT64),
            new Column("payment_type", INT64),
            new Column("fare_amount", DOUBLE),
            new Column("extra", DOUBLE),
            new Column("mta_tax", DOUBLE),
            new Column("tip_amount", DOUBLE),
            new Column("tolls_amount", DOUBLE),
            new Column("improvement_surcharge", DOUBLE),
            new Column("total_amount", DOUBLE),
            new Column("congestion_surcharge", DOUBLE),
            new Column("airport_fee", DOUBLE)));

    private static final TaxiSchema GREEN = new TaxiSchema(Service.GREEN, List.of(
            new Column("VendorID", INT64),
            new Column("lpep_pickup_datetime", TIMESTAMP),
            new Column("lpep_dropoff_datetime", TIMESTAMP),
            new Column("store_and_fwd_flag", TEXT),
            new Column("RatecodeID", INT64),
            new Column("PULocationID", INT64),
            new Column("DOLocationID", INT64),
            new Column("passenger_count", INT64),
            new Column("trip_distance", DOUBLE),
            new Column("fare_amount", DOUBLE),
            new Column("extra", DOUBLE),
            new Column("mta_tax", DOUBLE),
            new Column("tip_amount", DOUBLE),
            new Column("tolls_amount", DOUBLE),
            new Column("ehail_fee", DOUBLE),
            new Column("improvement_surcharge", DOUBLE),
            new Column("total_amount", DOUBLE),
            new Column("payment_type", INT64),
            new Column("trip_type", INT64),
            new Column("congestion_surcharge", DOUBLE)));

    private static final TaxiSchema FHV = new TaxiSchema(Service.FHV, List.of(
            new Column("dispatching_base_num", TEXT),
            new Column("pickup_datetime", TIMESTAMP),
            new Column("dropOff_datetime", TIMESTAMP),
            new Column("PUlocationID", INT64),
            new Column("DOlocationID", INT64),
            new Column("SR_Flag", INT64),
            new Column("Affiliated_base_number", TEXT)));

    /** The one schema flowcore writes for {@code service}, whatever the source month looked like. */
    public static TaxiSchema canonical(Service service) {
        return switch (service) {
            case YELLOW -> YELLOW;
            case GREEN -> GREEN;
            case FHV -> FHV;
        };
    }

    /** The number of columns. */
    public int size() {
        return columns.size();
    }

    /** The column at {@code index}. */
    public Column column(int index) {
        return columns.get(index);
    }

    /** The index of the column named {@code name} (ignoring case, as the TLC's spelling varies), or -1. */
    public int indexOf(String name) {
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).name().equalsIgnoreCase(name)) return i;
        }
        return -1;
    }

    /** The index of the column named {@code name}; throws naming the service's columns when there is none. */
    public int require(String name) {
        int i = indexOf(name);
        if (i < 0) throw new IllegalArgumentException("no column " + name + " in " + this);
        return i;
    }

    /** A copy with the column {@code name} retyped to {@code type} (for writing drifted files). */
    public TaxiSchema withType(String name, ColumnType type) {
        List<Column> copy = new ArrayList<>(columns);
        int i = require(name);
        copy.set(i, new Column(copy.get(i).name(), type));
        return new TaxiSchema(service, copy);
    }

    /** A copy without the column {@code name} (for writing drifted files). */
    public TaxiSchema without(String name) {
        List<Column> copy = new ArrayList<>(columns);
        copy.remove(require(name));
        return new TaxiSchema(service, copy);
    }

    /** The Parquet message type, every column optional. */
    public MessageType parquetSchema() {
        List<Type> fields = new ArrayList<>(columns.size());
        for (Column c : columns) fields.add(c.type().parquetField(c.name()));
        return new MessageType(service.color() + "_tripdata", fields);
    }

    /** {@code CREATE TABLE IF NOT EXISTS table (...)} with the PostgreSQL types; names are quoted as written. */
    public String postgresCreateTable(String table) {
        StringJoiner cols = new StringJoiner(", ", "CREATE TABLE IF NOT EXISTS " + table + " (", ")");
        for (Column c : columns) cols.add(quote(c.name()) + " " + c.type().postgresType());
        return cols.toString();
    }

    /** The quoted column list {@code ("VendorID", ...)} for COPY and INSERT statements. */
    public String postgresColumnList() {
        StringJoiner cols = new StringJoiner(", ", "(", ")");
        for (Column c : columns) cols.add(quote(c.name()));
        return cols.toString();
    }

    private static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    @Override
    public String toString() {
        return service.color() + columns;
    }
}
