package io.flowcore.blocks.gcp;

import com.google.cloud.NoCredentials;
import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQueryException;
import com.google.cloud.bigquery.BigQueryOptions;
import com.google.cloud.bigquery.DatasetId;
import com.google.cloud.bigquery.DatasetInfo;
import com.google.cloud.bigquery.FormatOptions;
import com.google.cloud.bigquery.Job;
import com.google.cloud.bigquery.JobId;
import com.google.cloud.bigquery.JobInfo;
import com.google.cloud.bigquery.JobInfo.CreateDisposition;
import com.google.cloud.bigquery.JobInfo.WriteDisposition;
import com.google.cloud.bigquery.JobStatistics;
import com.google.cloud.bigquery.LoadJobConfiguration;
import com.google.cloud.bigquery.TableDataWriteChannel;
import com.google.cloud.bigquery.TableId;
import com.google.cloud.bigquery.TimePartitioning;
import com.google.cloud.bigquery.WriteChannelConfiguration;
import io.flowcore.api.block.BlockException;
import io.flowcore.api.block.BlockRef;
import io.flowcore.api.block.BlockType;
import io.flowcore.api.block.WarehouseBlock;
import io.flowcore.api.block.WriteMode;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * A BigQuery dataset that Parquet files are loaded into with load jobs (atomic: a failed job changes
 * nothing). The dataset is created if missing, and the table from the file's schema.
 * {@link WriteMode#replacePartition} writes to the partition decorator ({@code trips$202101}) with
 * WRITE_TRUNCATE on a table partitioned by month (or day) on the given column, so re-running a month
 * replaces it instead of duplicating it.
 *
 * @param project     the Google Cloud project
 * @param dataset     the dataset tables are loaded into
 * @param location    the dataset location, e.g. {@code EU} or {@code US}
 * @param credentials the {@link GcpCredentials} block, or null for application-default credentials
 * @param endpoint    a BigQuery endpoint override (tests), or null for Google Cloud
 */
@BlockType(description = "A BigQuery dataset that Parquet is loaded into with load jobs")
public record BigQueryWarehouse(String project, String dataset, String location, BlockRef<GcpCredentials> credentials,
                                String endpoint) implements WarehouseBlock, AutoCloseable {
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,1023}");
    private static final ConcurrentHashMap<BigQueryWarehouse, BigQuery> CLIENTS = new ConcurrentHashMap<>();

    public BigQueryWarehouse {
        if (project == null || project.isBlank()) throw new BlockException("big-query-warehouse needs a 'project'");
        if (dataset == null || !NAME.matcher(dataset).matches()) {
            throw new BlockException("big-query-warehouse: invalid dataset '" + dataset + "' (letters, digits, _)");
        }
    }

    /** A warehouse on Google Cloud with the given credentials block. */
    public static BigQueryWarehouse of(String project, String dataset, String location, String credentialsBlock) {
        return new BigQueryWarehouse(project, dataset, location, BlockRef.named(credentialsBlock), null);
    }

    /** The BigQuery client of this block (created on first use). */
    public BigQuery bigQuery() {
        return CLIENTS.computeIfAbsent(this, BigQueryWarehouse::createClient);
    }

    private static BigQuery createClient(BigQueryWarehouse w) {
        BigQueryOptions.Builder o = BigQueryOptions.newBuilder().setProjectId(w.project());
        if (w.location() != null) o.setLocation(w.location());
        if (w.endpoint() != null) o.setHost(w.endpoint());
        if (w.credentials() != null) {
            o.setCredentials(w.credentials().get().credentials());
        } else if (w.endpoint() != null) {
            o.setCredentials(NoCredentials.getInstance());
        }
        return o.build().getService();
    }

    @Override
    public long load(Path parquet, String table, WriteMode mode) {
        if (!Files.isRegularFile(parquet)) throw new BlockException("big-query-warehouse: no Parquet file " + parquet);
        TableId target = target(table, mode);
        WriteChannelConfiguration.Builder cfg = WriteChannelConfiguration.newBuilder(target)
                .setFormatOptions(FormatOptions.parquet())
                .setCreateDisposition(CreateDisposition.CREATE_IF_NEEDED)
                .setWriteDisposition(disposition(mode));
        TimePartitioning tp = partitioning(mode);
        if (tp != null) cfg.setTimePartitioning(tp);
        ensureDataset();
        JobId jobId = jobId();
        try {
            TableDataWriteChannel channel = bigQuery().writer(jobId, cfg.build());
            try (OutputStream out = Channels.newOutputStream(channel)) {
                Files.copy(parquet, out);
            }
            return finish(channel.getJob(), jobId, target);
        } catch (IOException | BigQueryException e) {
            throw failed(jobId, target, e.getMessage(), e);
        }
    }

    @Override
    public long load(URI parquet, String table, WriteMode mode) {
        if (!"gs".equals(parquet.getScheme())) {
            throw new BlockException("big-query-warehouse loads gs:// URIs (or a local Path), not " + parquet);
        }
        TableId target = target(table, mode);
        LoadJobConfiguration.Builder cfg = LoadJobConfiguration.newBuilder(target, parquet.toString(), FormatOptions.parquet())
                .setCreateDisposition(CreateDisposition.CREATE_IF_NEEDED)
                .setWriteDisposition(disposition(mode));
        TimePartitioning tp = partitioning(mode);
        if (tp != null) cfg.setTimePartitioning(tp);
        ensureDataset();
        JobId jobId = jobId();
        try {
            return finish(bigQuery().create(JobInfo.of(jobId, cfg.build())), jobId, target);
        } catch (BigQueryException e) {
            throw failed(jobId, target, e.getMessage(), e);
        }
    }

    private TableId target(String table, WriteMode mode) {
        if (table == null || !NAME.matcher(table).matches()) {
            throw new BlockException("big-query-warehouse " + project + "." + dataset + ": invalid table name '" + table
                    + "' (letters, digits and _)");
        }
        String name = mode instanceof WriteMode.ReplacePartition p ? table + "$" + p.partition() : table;
        return TableId.of(project, dataset, name);
    }

    private static WriteDisposition disposition(WriteMode mode) {
        return mode instanceof WriteMode.Append ? WriteDisposition.WRITE_APPEND : WriteDisposition.WRITE_TRUNCATE;
    }

    private static TimePartitioning partitioning(WriteMode mode) {
        if (!(mode instanceof WriteMode.ReplacePartition p)) return null;
        return TimePartitioning.newBuilder(p.monthly() ? TimePartitioning.Type.MONTH : TimePartitioning.Type.DAY)
                .setField(p.column()).build();
    }

    private JobId jobId() {
        JobId.Builder b = JobId.newBuilder().setProject(project).setJob("flowcore-load-" + UUID.randomUUID());
        if (location != null) b.setLocation(location);
        return b.build();
    }

    private void ensureDataset() {
        try {
            if (bigQuery().getDataset(DatasetId.of(project, dataset)) == null) {
                DatasetInfo.Builder d = DatasetInfo.newBuilder(project, dataset);
                if (location != null) d.setLocation(location);
                bigQuery().create(d.build());
            }
        } catch (BigQueryException e) {
            if (e.getCode() != 409) {   // 409: created meanwhile by someone else
                throw new BlockException("big-query-warehouse: cannot create dataset " + project + "." + dataset + ": "
                        + e.getMessage(), e);
            }
        }
    }

    private long finish(Job job, JobId jobId, TableId target) {
        Job done;
        try {
            done = job == null ? null : job.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failed(jobId, target, "interrupted while waiting", e);
        }
        if (done == null) throw failed(jobId, target, "the job disappeared", null);
        if (done.getStatus().getError() != null) {
            throw failed(jobId, target, done.getStatus().getError().getMessage(), null);
        }
        JobStatistics.LoadStatistics stats = done.getStatistics();
        return stats == null || stats.getOutputRows() == null ? 0 : stats.getOutputRows();
    }

    private BlockException failed(JobId jobId, TableId target, String why, Exception cause) {
        return new BlockException("big-query-warehouse: load job " + jobId.getJob() + " into " + target.getProject() + "."
                + target.getDataset() + "." + target.getTable() + " failed, the table is unchanged: " + why, cause);
    }

    /** Forgets this block's client. */
    @Override
    public void close() {
        CLIENTS.remove(this);
    }
}
