package io.flowcore.examples.taxi.data;

import io.flowcore.data.Column;
import io.flowcore.data.RowBatch;
import io.flowcore.data.Schema;
import java.util.SplittableRandom;

/**
 * Generates the rows of one month deterministically (the seed comes from service, year and month),
 * batch by batch, so a month of any size is produced in bounded memory.
 *
 * <p>The data looks like the TLC files: pickups spread over the month in file order, log-normal
 * trip distances, durations and metered fares consistent with the distance, tips mostly on card
 * payments, about 2 % of rows with {@code passenger_count = 0}, a few refunds with negative fares,
 * and, in the last 7 % of rows, the missing values the real files have (vendor, passenger count, rate
 * code, store-and-forward flag, payment type, congestion surcharge, airport fee).
 */
public final class TripGenerator {
    private static final long MICROS_PER_DAY = 86_400_000_000L;
    /** The share of rows, at the end of the file, with the real files' missing values. */
    public static final double LATE_NULL_SHARE = 0.07;

    private static final int[] POPULAR_ZONES = {236, 237, 161, 162, 170, 142, 239, 48, 234, 186, 230, 163,
        68, 79, 107, 141, 140, 263, 100, 249, 132, 138, 164, 229, 238, 143, 113, 90, 246, 233};
    private static final int[] OUTER_ZONES = {74, 75, 41, 42, 166, 244, 7, 82, 97, 181, 65, 66, 255, 256,
        129, 95, 260, 116, 152, 223, 25, 33, 61, 17, 49, 112, 80, 36, 37, 106};

    private final MonthSpec month;
    private final Schema schema;
    private final DriftProfile drift;
    private final long rows;
    private final long startMicros;
    private final long monthMicros;
    private final long lateFrom;
    private final SplittableRandom rnd;
    private long next;

    // Column indexes in the file schema; -1 when the file has no such column.
    private final int vendor, pickup, dropoff, passengers, distance, ratecode, storeFwd, pu, dol, payment, fare,
            extra, mta, tip, tolls, improvement, total, congestion, airportFee, ehailFee, tripType,
            baseNum, srFlag, affiliated;

    /** A generator for {@code month} with {@code options}. */
    public TripGenerator(MonthSpec month, GeneratorOptions options) {
        this.month = month;
        this.drift = options.drift();
        this.schema = drift.fileSchema(month.service());
        this.rows = options.rowsFor(month);
        this.startMicros = java.time.LocalDate.of(month.year(), month.month(), 1).toEpochDay() * MICROS_PER_DAY;
        this.monthMicros = month.days() * MICROS_PER_DAY;
        this.lateFrom = rows - Math.round(rows * LATE_NULL_SHARE);
        this.rnd = new SplittableRandom(month.seed());
        String pfx = month.service() == Service.GREEN ? "lpep_" : "tpep_";
        boolean fhv = month.service() == Service.FHV;
        vendor = schema.indexOf("VendorID");
        pickup = schema.indexOf(fhv ? "pickup_datetime" : pfx + "pickup_datetime");
        dropoff = schema.indexOf(fhv ? "dropOff_datetime" : pfx + "dropoff_datetime");
        passengers = schema.indexOf("passenger_count");
        distance = schema.indexOf("trip_distance");
        ratecode = schema.indexOf("RatecodeID");
        storeFwd = schema.indexOf("store_and_fwd_flag");
        pu = schema.indexOf("PULocationID");
        dol = schema.indexOf("DOLocationID");
        payment = schema.indexOf("payment_type");
        fare = schema.indexOf("fare_amount");
        extra = schema.indexOf("extra");
        mta = schema.indexOf("mta_tax");
        tip = schema.indexOf("tip_amount");
        tolls = schema.indexOf("tolls_amount");
        improvement = schema.indexOf("improvement_surcharge");
        total = schema.indexOf("total_amount");
        congestion = schema.indexOf("congestion_surcharge");
        airportFee = schema.indexOf("airport_fee");
        ehailFee = schema.indexOf("ehail_fee");
        tripType = schema.indexOf("trip_type");
        baseNum = schema.indexOf("dispatching_base_num");
        srFlag = schema.indexOf("SR_Flag");
        affiliated = schema.indexOf("Affiliated_base_number");
    }

    /** The schema of the generated file (canonical, or drifted per the options). */
    public Schema schema() {
        return schema;
    }

    /** The month. */
    public MonthSpec month() {
        return month;
    }

    /** The total number of rows this generator produces. */
    public long rows() {
        return rows;
    }

    /** A new empty batch for this generator's schema. */
    public RowBatch newBatch(int capacity) {
        return new RowBatch(schema, capacity);
    }

    /**
     * Clears {@code batch} and fills it with the next rows; returns false when all rows were produced
     * (the batch is then empty). The batch must have this generator's schema.
     */
    public boolean fill(RowBatch batch) {
        batch.clear();
        while (!batch.isFull() && next < rows) {
            int r = batch.beginRow(next + 2); // CSV line number: header is line 1
            if (month.service() == Service.FHV) fhvRow(batch, r, next);
            else taxiRow(batch, r, next);
            batch.commitRow();
            next++;
        }
        return batch.size() > 0;
    }

    private void taxiRow(RowBatch b, int r, long i) {
        boolean green = month.service() == Service.GREEN;
        boolean late = i >= lateFrom;
        long pickupAt = startMicros + (long) ((i + rnd.nextDouble()) * monthMicros / rows) / 1_000_000L * 1_000_000L;
        double miles = rnd.nextInt(100) == 0 ? 0.0
                : Math.min(60.0, Math.exp((green ? 0.7 : 0.55) + 0.85 * rnd.nextGaussian()));
        miles = Math.round(miles * 100) / 100.0;
        double mph = 7 + 11 * rnd.nextDouble();
        double minutes = 1.5 + miles / mph * 60 + rnd.nextDouble() * 4;
        long dropAt = pickupAt + (long) (minutes * 60) * 1_000_000L;

        int u = rnd.nextInt(1000);
        long rate = u < 960 ? 1 : u < 980 ? 2 : u < 990 ? 5 : u < 996 ? 3 : 4;
        double fareAmt = rate == 2 ? 52.0 : cents(2.5 + 2.5 * miles + 0.5 * minutes);
        int pay = rnd.nextInt(100);
        long payType = pay < 72 ? 1 : pay < 97 ? 2 : pay < 99 ? 3 : 4;
        double extraAmt = switch (rnd.nextInt(4)) {
            case 0 -> 0.0;
            case 1, 2 -> 0.5;
            default -> green ? 1.0 : 2.5;
        };
        double mtaAmt = 0.5, improvementAmt = 0.3;
        double tollsAmt = rnd.nextInt(100) < 5 ? 6.12 : 0.0;
        double congestionAmt = green ? (rnd.nextInt(10) == 0 ? 2.75 : 0.0) : (rnd.nextInt(10) < 9 ? 2.5 : 0.0);
        int puZone = zone(green), doZone = zone(green);
        double airport = (puZone == 132 || puZone == 138) ? 1.25 : 0.0;
        double tipAmt = payType == 1 && rnd.nextInt(100) < 85 ? cents(fareAmt * (0.12 + 0.18 * rnd.nextDouble())) : 0.0;
        if (rnd.nextInt(1000) == 0) { // refund: TLC files record these as negative amounts
            fareAmt = -fareAmt;
            extraAmt = -extraAmt;
            mtaAmt = -mtaAmt;
            improvementAmt = -improvementAmt;
            congestionAmt = -congestionAmt;
            tipAmt = 0.0;
            tollsAmt = 0.0;
            airport = 0.0;
            payType = 3 + rnd.nextInt(2);
        }
        double totalAmt = cents(fareAmt + extraAmt + mtaAmt + tipAmt + tollsAmt + improvementAmt + congestionAmt
                + (green ? 0.0 : airport));

        b.setLong(pickup, r, pickupAt);
        b.setLong(dropoff, r, dropAt);
        b.setDouble(distance, r, miles);
        b.setLong(pu, r, puZone);
        b.setLong(dol, r, doZone);
        b.setDouble(fare, r, fareAmt);
        b.setDouble(extra, r, extraAmt);
        b.setDouble(mta, r, mtaAmt);
        b.setDouble(tip, r, tipAmt);
        b.setDouble(tolls, r, tollsAmt);
        b.setDouble(improvement, r, improvementAmt);
        b.setDouble(total, r, totalAmt);
        int p = rnd.nextInt(1000);
        long pax = p < 20 ? 0 : p < 740 ? 1 : p < 880 ? 2 : p < 920 ? 3 : p < 940 ? 4 : p < 975 ? 5 : 6;
        if (!late) { // the real files leave these empty in their last rows
            b.setLong(vendor, r, rnd.nextInt(10) < 3 ? 1 : 2);
            if (passengers >= 0) b.setLong(passengers, r, pax);
            b.setLong(ratecode, r, rate);
            b.setText(storeFwd, r, rnd.nextInt(100) == 0 ? "Y" : "N");
            b.setLong(payment, r, payType);
            b.setDouble(congestion, r, congestionAmt);
            if (airportFee >= 0 && !drift.airportFeeInt32Nulls()) b.setDouble(airportFee, r, airport);
            if (tripType >= 0) b.setLong(tripType, r, rnd.nextInt(100) < 97 ? 1 : 2);
        }
        // ehail_fee, when present, is always empty, as in the real green files.
    }

    private void fhvRow(RowBatch b, int r, long i) {
        long pickupAt = startMicros + (long) ((i + rnd.nextDouble()) * monthMicros / rows) / 1_000_000L * 1_000_000L;
        double minutes = 4 + Math.exp(2.6 + 0.6 * rnd.nextGaussian());
        String base = "B%05d".formatted(rnd.nextInt(10) < 6 ? 2500 + rnd.nextInt(20) : 1 + rnd.nextInt(3300));
        b.setText(baseNum, r, base);
        b.setLong(pickup, r, pickupAt);
        b.setLong(dropoff, r, pickupAt + (long) (minutes * 60) * 1_000_000L);
        if (rnd.nextInt(100) >= 15) b.setLong(pu, r, 1 + rnd.nextInt(265));
        if (rnd.nextInt(100) >= 20) b.setLong(dol, r, 1 + rnd.nextInt(265));
        if (rnd.nextInt(100) < 3) b.setLong(srFlag, r, 1);
        int a = rnd.nextInt(10);
        if (a < 7) b.setText(affiliated, r, base);
        else if (a < 9) b.setText(affiliated, r, "B%05d".formatted(1 + rnd.nextInt(3300)));
    }

    private int zone(boolean green) {
        if (green) return rnd.nextInt(10) < 7 ? OUTER_ZONES[rnd.nextInt(OUTER_ZONES.length)] : 1 + rnd.nextInt(265);
        return rnd.nextInt(10) < 7 ? POPULAR_ZONES[rnd.nextInt(POPULAR_ZONES.length)] : 1 + rnd.nextInt(265);
    }

    private static double cents(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
