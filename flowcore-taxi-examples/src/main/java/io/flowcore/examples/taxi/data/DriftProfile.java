package io.flowcore.examples.taxi.data;

import io.flowcore.data.ColumnType;
import io.flowcore.data.Schema;


/**
 * How a generated month departs from the canonical schema, as real TLC months do.
 *
 * @param passengerCountAsDouble write {@code passenger_count} as a double ("1.0" in CSV, DOUBLE in Parquet)
 * @param airportFeeInt32Nulls   write {@code airport_fee} (yellow) as an all-null column, typed INT32 in Parquet
 * @param ehailFeeAbsent         leave {@code ehail_fee} (green) out of the file
 */
public record DriftProfile(boolean passengerCountAsDouble, boolean airportFeeInt32Nulls, boolean ehailFeeAbsent) {

    /** No drift: the file has the canonical schema. */
    public static final DriftProfile NONE = new DriftProfile(false, false, false);

    /** Every drift that applies to the service at once. */
    public static final DriftProfile ALL = new DriftProfile(true, true, true);

    /** Whether this profile changes nothing. */
    public boolean isNone() {
        return !passengerCountAsDouble && !airportFeeInt32Nulls && !ehailFeeAbsent;
    }

    /** The schema a generated file of {@code service} has under this profile. */
    public Schema fileSchema(Service service) {
        Schema s = TaxiSchema.canonical(service);
        if (passengerCountAsDouble && s.indexOf("passenger_count") >= 0) s = s.withType("passenger_count", ColumnType.DOUBLE);
        if (airportFeeInt32Nulls && s.indexOf("airport_fee") >= 0) s = s.withType("airport_fee", ColumnType.INT32);
        if (ehailFeeAbsent && s.indexOf("ehail_fee") >= 0) s = s.without("ehail_fee");
        return s;
    }
}
