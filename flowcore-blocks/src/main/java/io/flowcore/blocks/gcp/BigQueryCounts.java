package io.flowcore.blocks.gcp;

import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQueryException;
import com.google.cloud.bigquery.ExternalTableDefinition;
import com.google.cloud.bigquery.FieldValueList;
import com.google.cloud.bigquery.FormatOptions;
import com.google.cloud.bigquery.QueryJobConfiguration;
import com.google.cloud.bigquery.QueryParameterValue;
import com.google.cloud.bigquery.TableResult;
import io.flowcore.api.block.BlockException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Map;

/*
 * The row counts BigQueryWarehouse's shrink guard compares, and the checksums its job ids come from:
 * a partition's rows from INFORMATION_SCHEMA.PARTITIONS (metadata, no scan; a missing dataset or table
 * holds 0 rows), a local Parquet file's rows from its footer (read by an in-memory DuckDB), and a
 * gs:// source's rows through a query over it as a temporary external table.
 */
final class BigQueryCounts {
    private final BigQuery bigQuery;
    private final String project;
    private final String dataset;

    BigQueryCounts(BigQuery bigQuery, String project, String dataset) {
        this.bigQuery = bigQuery;
        this.project = project;
        this.dataset = dataset;
    }

    /** The rows partition {@code partition} (YYYYMM or YYYYMMDD) of {@code table} holds now. */
    long partitionRows(String table, String partition) {
        QueryJobConfiguration q = QueryJobConfiguration.newBuilder("SELECT COALESCE(SUM(total_rows), 0) AS n FROM `"
                        + project + "." + dataset + ".INFORMATION_SCHEMA.PARTITIONS` WHERE table_name = @t AND partition_id = @p")
                .addNamedParameter("t", QueryParameterValue.string(table))
                .addNamedParameter("p", QueryParameterValue.string(partition))
                .build();
        try {
            return single(bigQuery.query(q));
        } catch (BigQueryException e) {
            if (e.getCode() == 404) return 0;   // no dataset yet: nothing to lose
            throw new BlockException("big-query-warehouse " + project + "." + dataset + ": cannot count the rows of partition "
                    + partition + " of '" + table + "' (needed to refuse a shrinking replacement): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BlockException("big-query-warehouse: interrupted while counting the rows of partition " + partition
                    + " of '" + table + "'; nothing was loaded", e);
        }
    }

    /** The rows of the Parquet files {@code uri} names, counted by BigQuery. */
    long uriRows(URI uri) {
        QueryJobConfiguration q = QueryJobConfiguration.newBuilder("SELECT COUNT(*) AS n FROM source")
                .setTableDefinitions(Map.of("source", ExternalTableDefinition.of(uri.toString(), FormatOptions.parquet())))
                .build();
        try {
            return single(bigQuery.query(q));
        } catch (BigQueryException e) {
            throw new BlockException("big-query-warehouse: cannot count the rows of " + uri + " (needed to refuse a shrinking"
                    + " replacement): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BlockException("big-query-warehouse: interrupted while counting the rows of " + uri
                    + "; nothing was loaded", e);
        }
    }

    private static long single(TableResult r) {
        for (FieldValueList row : r.iterateAll()) return row.get(0).isNull() ? 0 : row.get(0).getLongValue();
        return 0;
    }

    /** The rows of a local Parquet file (from its footer). */
    static long parquetRows(Path parquet) {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM read_parquet('"
                     + parquet.toAbsolutePath().toString().replace("'", "''") + "')")) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new BlockException("big-query-warehouse: cannot read the Parquet file " + parquet + ": " + e.getMessage(), e);
        }
    }

    static String sha256(Path file) {
        MessageDigest md = sha256();
        byte[] buf = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
        } catch (IOException e) {
            throw new BlockException("big-query-warehouse: cannot read " + file + ": " + e.getMessage(), e);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    static String sha256(String text) {
        return HexFormat.of().formatHex(sha256().digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
