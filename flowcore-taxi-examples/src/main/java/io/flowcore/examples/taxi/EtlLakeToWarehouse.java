package io.flowcore.examples.taxi;

import io.flowcore.api.Flow;
import io.flowcore.api.RunContext;
import io.flowcore.api.Task;
import io.flowcore.api.block.ObjectStorageBlock;
import io.flowcore.api.block.PartitionShrinkException;
import io.flowcore.api.block.WarehouseBlock;
import io.flowcore.api.block.WriteMode;
import io.flowcore.data.BatchSink;
import io.flowcore.data.ConversionOptions;
import io.flowcore.data.FileConverter;
import io.flowcore.data.ParquetBatchWriter;
import io.flowcore.data.ParquetOptions;
import io.flowcore.data.RowBatch;
import io.flowcore.data.Schema;
import io.flowcore.examples.taxi.data.MonthSpec;
import io.flowcore.examples.taxi.data.Service;
import io.flowcore.examples.taxi.data.TaxiSchema;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The lesson's {@code etl_gcs_to_bq}: lake → fill missing passenger counts → warehouse. Loading a month
 * replaces that month's partition, so running it again never duplicates rows (the lesson's
 * {@code to_gbq(if_exists="append")} did).
 */
public class EtlLakeToWarehouse {

    /** What the transform did. */
    public record Filled(Path parquet, long rows, long missingBefore, long missingAfter) {
    }

    @Task(retries = 3, retryDelaySeconds = 2)
    public Path extractFromGcs(MonthSpec month, String lakeBlock, Path workDir) {
        ObjectStorageBlock lake = RunContext.current().block(lakeBlock, ObjectStorageBlock.class);
        return lake.download(TaxiFiles.dataKey(month), workDir.resolve("from-lake").resolve(TaxiFiles.dataKey(month)));
    }

    /** Fills missing passenger_count with 0, logging the count before and after (streaming, file to file). */
    @Task
    public Filled transform(Path parquet, MonthSpec month) throws IOException {
        Path out = parquet.resolveSibling(month.baseName() + ".filled.parquet");
        Schema schema = TaxiSchema.canonical(month.service());
        int col = schema.indexOf("passenger_count");
        long[] counts = new long[3]; // rows, missing before, missing after
        try (BatchSink writer = new ParquetBatchWriter(out, schema, ParquetOptions.defaults());
             BatchSink filling = new BatchSink() {
                 @Override
                 public void write(RowBatch b) throws IOException {
                     counts[0] += b.size();
                     if (col >= 0) {
                         for (int r = 0; r < b.size(); r++) {
                             if (b.isNull(col, r)) {
                                 counts[1]++;
                                 b.setLong(col, r, 0);
                             }
                             if (b.isNull(col, r)) counts[2]++;
                         }
                     }
                     writer.write(b);
                 }

                 @Override
                 public void commit() throws IOException {
                     writer.commit();
                 }

                 @Override
                 public void close() {
                 }
             }) {
            new FileConverter(ConversionOptions.defaults().withMaxBadRowShare(0)).convert(parquet, TaxiSchema.canonical(month.service()), filling);
        }
        var log = RunContext.logger();
        if (col < 0) {
            log.info("{} has no passenger_count: nothing to fill", month.service().color());
        } else {
            log.info("pre: missing passenger count: {}", counts[1]);
            log.info("post: missing passenger count: {}", counts[2]);
        }
        return new Filled(out, counts[0], counts[1], counts[2]);
    }

    /**
     * Loads the month into the warehouse block, replacing the month's partition in one step. A month that
     * would lose more than half of its rows (an empty or mislabelled source) is refused unless {@code force}.
     */
    @Task(retries = 3, retryDelaySeconds = 2)
    public long writeBq(Filled filled, MonthSpec month, String warehouseBlock, String table, boolean force) {
        WarehouseBlock warehouse = RunContext.current().block(warehouseBlock, WarehouseBlock.class);
        String partition = "%04d%02d".formatted(month.year(), month.month());
        long rows;
        try {
            rows = warehouse.load(filled.parquet(), table,
                    WriteMode.replacePartition(TaxiFiles.pickupColumnName(month), partition).force(force));
        } catch (PartitionShrinkException e) {
            throw TaxiFiles.withForceHint(e);
        }
        RunContext.logger().info("loaded {} rows into {}.{} (partition {} replaced)", rows, warehouseBlock, table, partition);
        return rows;
    }

    /** {@link #etlGcsToBq(int, int, String, TaxiSettings, boolean)} without force: a shrinking month is refused. */
    public long etlGcsToBq(int year, int month, String color, TaxiSettings settings) throws IOException {
        return etlGcsToBq(year, month, color, settings, false);
    }

    /**
     * Loads one month from the lake into the warehouse, replacing its partition.
     *
     * @param force replace the month even when the new data has no rows or fewer than half of the rows
     *              the warehouse holds for it (by default such a load fails and the month is kept)
     */
    @Flow(name = "etl-gcs-to-bq", flowRunName = "lake-to-warehouse-{color}-{year}-{month}")
    public long etlGcsToBq(@Min(TaxiMonth.FIRST_YEAR) int year, @Min(1) @Max(12) int month,
                           @NotNull @Pattern(regexp = TaxiMonth.COLORS) String color, TaxiSettings settings,
                           boolean force) throws IOException {
        MonthSpec m = MonthSpec.of(Service.ofColor(color), year, month);
        Path fromLake = extractFromGcs(m, settings.lakeBlock(), settings.workDir());
        Filled filled = transform(fromLake, m);
        long rows = writeBq(filled, m, settings.warehouseBlock(), tableFor(settings, m), force);
        Files.deleteIfExists(fromLake);
        return rows;
    }

    /** One table per service (their columns differ): {@code rides_yellow}, {@code rides_green}, {@code rides_fhv}. */
    static String tableFor(TaxiSettings settings, MonthSpec m) {
        return settings.warehouseTable() + "_" + m.service().color();
    }
}
