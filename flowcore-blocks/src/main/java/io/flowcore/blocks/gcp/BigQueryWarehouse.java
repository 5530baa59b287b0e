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
import com.google.cloud.bigquery.JobStatus;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.regex.Pattern;

/**
 * A BigQuery dataset that Parquet files are loaded into with load jobs (atomic: a failed job changes
 * nothing). The dataset is created if missing, and the table from the file's schema.
 * {@link WriteMode#replacePartition} writes to the partition decorator ({@code trips$202101}) with
 * WRITE_TRUNCATE on a table partitioned by month (or day) on the given column, so re-running a month
 * replaces it instead of duplicating it. Before that, the partition's row count (from
 * {@code INFORMATION_SCHEMA.PARTITIONS}) and the new data's are compared by the mode's
 * {@link io.flowcore.api.block.ShrinkGuard}: a load that would empty or halve the month is refused.
 *
 * <p>Load job ids are derived from the target, the mode and the source's content (SHA-256 of the file,
 * or the {@code gs://} URI), so a retry of the same load finds the earlier job and waits for it rather
 * than loading twice; an interrupted wait reports the outcome as unknown, naming the job.
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
    private static final int MAX_ATTEMPTS = 10;

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
        if (mode instanceof WriteMode.ReplacePartition p) guard(table, p, BigQueryCounts.parquetRows(parquet));
        ensureDataset();
        String source = "sha256:" + BigQueryCounts.sha256(parquet);
        return withJobId(target, mode, source, jobId -> {
            TableDataWriteChannel channel = bigQuery().writer(jobId, cfg.build());
            try (OutputStream out = Channels.newOutputStream(channel)) {
                Files.copy(parquet, out);
            }
        });
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
        if (mode instanceof WriteMode.ReplacePartition p) guard(table, p, counts().uriRows(parquet));
        ensureDataset();
        return withJobId(target, mode, "uri:" + parquet, jobId -> bigQuery().create(JobInfo.of(jobId, cfg.build())));
    }

    private BigQueryCounts counts() {
        return new BigQueryCounts(bigQuery(), project, dataset);
    }

    /* Refuses, before any job runs, a replacement that would shrink the partition (BigQuery has no
     * transaction around "count, then load": a concurrent writer between the two is not seen). */
    private void guard(String table, WriteMode.ReplacePartition p, long newRows) {
        long oldRows = counts().partitionRows(table, p.partition());
        p.guard().check("table " + project + "." + dataset + "." + table + " in big-query-warehouse", p.partition(), oldRows,
                newRows);
    }

    /** Starts a load job under a given id; a 409 means a job with that id exists already. */
    private interface JobStart {
        void start(JobId jobId) throws IOException;
    }

    /*
     * Exactly once: the job id is derived from the target, the mode and the source (the file's SHA-256,
     * or the gs:// URI), so running the same load again (a task retry after a lost response, an
     * interrupted wait) finds the earlier job through BigQuery's 409 "already exists" and waits for it
     * instead of loading the rows a second time. Only an earlier job that failed is retried, under the
     * next attempt's id (…-2, …-3).
     */
    private long withJobId(TableId target, WriteMode mode, String source, JobStart start) {
        for (int attempt = 1; ; attempt++) {
            JobId jobId = jobId(target, mode, source, attempt);
            boolean earlier = false;
            try {
                start.start(jobId);
            } catch (IOException | BigQueryException e) {
                if (!alreadyExists(e)) throw outcomeUnknownOrRefused(jobId, target, e);
                earlier = true;
            }
            Job done = awaitDone(jobId, target);
            if (done.getStatus().getError() != null) {
                // An earlier attempt that failed changed nothing: load again under the next attempt's id.
                if (earlier && attempt < MAX_ATTEMPTS) continue;
                throw failed(jobId, target, done.getStatus().getError().getMessage(), null);
            }
            JobStatistics.LoadStatistics stats = done.getStatistics();
            return stats == null || stats.getOutputRows() == null ? 0 : stats.getOutputRows();
        }
    }

    /*
     * Polls the job by its id until it is DONE. An interrupt must end the wait at once, but the client's
     * HTTP retry loop swallows one that lands during a request; so each request runs on its own virtual
     * thread while this thread waits on it, or sleeps, where an interrupt is always seen.
     */
    private Job awaitDone(JobId jobId, TableId target) {
        long delayMs = 100;
        try {
            while (true) {
                FutureTask<Job> get = new FutureTask<>(() -> bigQuery().getJob(jobId));
                Thread.ofVirtual().name("flowcore-bq-poll").start(get);
                Job job;
                try {
                    job = get.get();
                } catch (InterruptedException e) {
                    get.cancel(true);
                    throw e;
                } catch (ExecutionException e) {
                    throw unknown(jobId, target, "lost track of it: " + e.getCause().getMessage(), e);
                }
                if (job == null) throw unknown(jobId, target, "the job is not found", null);
                if (job.getStatus() != null && job.getStatus().getState() == JobStatus.State.DONE) return job;
                Thread.sleep(delayMs);
                delayMs = Math.min(delayMs * 2, 5_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unknown(jobId, target, "interrupted while waiting for it", e);
        }
    }

    private static boolean alreadyExists(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BigQueryException b && b.getCode() == 409) return true;
        }
        return false;
    }

    private JobId jobId(TableId target, WriteMode mode, String source, int attempt) {
        String mark = switch (mode) {
            case WriteMode.Append a -> "append";
            case WriteMode.Truncate t -> "truncate";
            case WriteMode.ReplacePartition p -> "replace:" + p.column() + ":" + p.partition();
        };
        String key = BigQueryCounts.sha256(String.join("\n", target.getProject(), target.getDataset(), target.getTable(),
                mark, source)).substring(0, 40);
        JobId.Builder b = JobId.newBuilder().setProject(project).setJob("flowcore-load-" + key + (attempt > 1 ? "-" + attempt : ""));
        if (location != null) b.setLocation(location);
        return b.build();
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

    private static String name(TableId target) {
        return target.getProject() + "." + target.getDataset() + "." + target.getTable();
    }

    /** The job ran and failed, or was refused before it existed: the table is unchanged. */
    private BlockException failed(JobId jobId, TableId target, String why, Exception cause) {
        return new BlockException("big-query-warehouse: load job " + jobId.getJob() + " into " + name(target)
                + " failed, the table is unchanged: " + why, cause);
    }

    /** The job may exist and may still commit: say so, and how to settle it, never "unchanged". */
    private BlockException unknown(JobId jobId, TableId target, String why, Exception cause) {
        return new BlockException("big-query-warehouse: load job " + jobId.getJob() + " into " + name(target)
                + ": the outcome is unknown (" + why + "); the job may still commit. Check it with `bq show -j "
                + jobId.getJob() + "`, or run the same load again: it finds this job by its id and waits for it"
                + " instead of loading twice", cause);
    }

    /* A 4xx answer to the request that creates the job means no job was created; anything else may have. */
    private BlockException outcomeUnknownOrRefused(JobId jobId, TableId target, Exception e) {
        if (e instanceof BigQueryException b && b.getCode() >= 400 && b.getCode() < 500) {
            return failed(jobId, target, b.getMessage(), b);
        }
        return unknown(jobId, target, e.getMessage(), e);
    }

    /** Forgets this block's client. */
    @Override
    public void close() {
        CLIENTS.remove(this);
    }
}
