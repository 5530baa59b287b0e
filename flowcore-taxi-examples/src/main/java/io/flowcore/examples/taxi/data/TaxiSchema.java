package io.flowcore.examples.taxi.data;

import static io.flowcore.data.ColumnType.DOUBLE;
import static io.flowcore.data.ColumnType.INT64;
import static io.flowcore.data.ColumnType.TEXT;
import static io.flowcore.data.ColumnType.TIMESTAMP;

import io.flowcore.data.Column;
import io.flowcore.data.RowFilter;
import io.flowcore.data.Schema;
import java.util.List;

/**
 * The taxi schemas and rules: one canonical {@link Schema} per {@link Service} (what the pipelines
 * write, whatever the source month looked like), and the lesson's row filter.
 */
public final class TaxiSchema {
    private TaxiSchema() {
    }

    private static final Schema YELLOW = new Schema("yellow_tripdata", List.of(
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

    private static final Schema GREEN = new Schema("green_tripdata", List.of(
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

    private static final Schema FHV = new Schema("fhv_tripdata", List.of(
            new Column("dispatching_base_num", TEXT),
            new Column("pickup_datetime", TIMESTAMP),
            new Column("dropOff_datetime", TIMESTAMP),
            new Column("PUlocationID", INT64),
            new Column("DOlocationID", INT64),
            new Column("SR_Flag", INT64),
            new Column("Affiliated_base_number", TEXT)));

    /** The one schema flowcore writes for {@code service}, whatever the source month looked like. */
    public static Schema canonical(Service service) {
        return switch (service) {
            case YELLOW -> YELLOW;
            case GREEN -> GREEN;
            case FHV -> FHV;
        };
    }

    /**
     * The lesson's {@code transform_data}: drops rows whose {@code passenger_count} is 0 and keeps the
     * rest, including rows where it is missing (as pandas' {@code df[df.passenger_count != 0]} does).
     *
     * @throws IllegalArgumentException when the schema has no passenger_count (fhv)
     */
    public static RowFilter dropZeroPassengerCount(Schema schema) {
        int col = schema.require("passenger_count");
        return (b, r) -> b.isNull(col, r) || b.getAsLong(col, r) != 0;
    }
}
