package io.flowcore.examples.taxi;

import io.flowcore.api.RunContext;
import io.flowcore.api.block.PartitionShrinkException;
import io.flowcore.data.RowFilter;
import io.flowcore.data.Schema;
import io.flowcore.data.download.DownloadOptions;
import io.flowcore.data.download.DownloadResult;
import io.flowcore.data.download.Downloader;
import io.flowcore.examples.taxi.data.MonthSpec;
import io.flowcore.examples.taxi.data.TaxiSchema;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.ZoneOffset;
import java.util.HexFormat;

/** What the taxi flows share: URLs, local paths, downloads, the month filter, checksums. */
final class TaxiFiles {
    private TaxiFiles() {
    }

    /** A downloaded file, as the fetch tasks return (and cache) it. */
    record Download(String url, Path file, long bytes, String sha256) {
        /** The file, checked to be the one downloaded (a cached result may outlive its file). */
        Path verifiedFile() {
            try {
                if (Files.size(file) != bytes) throw new IOException("size changed");
            } catch (IOException e) {
                throw new IllegalStateException("the downloaded file " + file + " is missing or changed since it was "
                        + "cached; delete it and run with a fresh cache (refreshCache) to download again", e);
            }
            return file;
        }
    }

    /** The course's CSV backup layout: {@code {base}/{color}/{color}_tripdata_{yyyy}-{mm}.csv.gz}. */
    static String csvUrl(TaxiSettings s, MonthSpec m) {
        String path = m.csvGzPath();
        return s.sourceBaseUrl() + (path.startsWith("/") ? path : "/" + path);
    }

    /** The lesson's write_local path and lake key: {@code data/{color}/{color}_tripdata_{yyyy}-{mm}.parquet}. */
    static String dataKey(MonthSpec m) {
        return "data/" + m.service().color() + "/" + m.baseName() + ".parquet";
    }

    static Download download(String url, Path folder) throws IOException {
        String name = url.substring(url.lastIndexOf('/') + 1);
        DownloadResult r = new Downloader(DownloadOptions.defaults()).download(URI.create(url), folder.resolve(name));
        RunContext.logger().info("downloaded {} ({} bytes, {} attempt(s), {} resume(s)) in {} s", name, r.bytes(),
                r.attempts(), r.resumes(), r.elapsed().toMillis() / 1000.0);
        return new Download(url, r.file(), r.bytes(), r.sha256());
    }

    /** The column holding the pickup time: tpep_/lpep_pickup_datetime or pickup_datetime. */
    static int pickupColumn(Schema schema) {
        for (int i = 0; i < schema.size(); i++) {
            if (schema.column(i).name().toLowerCase(java.util.Locale.ROOT).endsWith("pickup_datetime")) return i;
        }
        throw new IllegalArgumentException("schema " + schema.name() + " has no pickup time column");
    }

    static String pickupColumnName(MonthSpec m) {
        Schema s = TaxiSchema.canonical(m.service());
        return s.column(pickupColumn(s)).name();
    }

    /** Keeps rows whose pickup lies in the month (the partition a warehouse load replaces). */
    static RowFilter inMonth(Schema schema, MonthSpec m) {
        int col = pickupColumn(schema);
        long from = m.start().toEpochSecond(ZoneOffset.UTC) * 1_000_000L;
        long to = m.start().plusMonths(1).toEpochSecond(ZoneOffset.UTC) * 1_000_000L;
        return (b, r) -> !b.isNull(col, r) && b.getLong(col, r) >= from && b.getLong(col, r) < to;
    }

    /**
     * A refused shrinking replacement, as a flow reports it: the guard's message plus the flow's own way
     * to force it.
     */
    static IllegalStateException withForceHint(PartitionShrinkException e) {
        return new IllegalStateException(e.getMessage() + ". From the taxi flows: check the source file, and if"
                + " the month really has fewer rows, run the flow again with force = true", e);
    }

    static String sha256(Path file) {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
