package io.flowcore.data;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Converts one file (CSV, CSV.gz or Parquet) into typed rows of a target {@link Schema} and
 * streams them into a {@link BatchSink} (Parquet file, PostgreSQL COPY, ...), using two threads:
 * a parser fills batches, the caller's thread filters and writes them. A bounded pool of batches
 * circulates between the two, so memory stays flat whatever the file's size.
 *
 * <p>Schema drift (a column retyped, missing or extra) is mapped and logged; what cannot be mapped safely fails with a
 * {@link SchemaDriftException}. Bad rows go to a rejects file; above
 * {@link ConversionOptions#maxBadRowShare()} the conversion fails with a {@link BadRowLimitException}.
 * On any failure the sink is closed without commit, so no partial output becomes visible.
 */
public final class FileConverter {
    private static final Logger log = LoggerFactory.getLogger(FileConverter.class);

    private final ConversionOptions options;

    /** A converter with {@code options}. */
    public FileConverter(ConversionOptions options) {
        this.options = options;
    }

    /**
     * Converts {@code source} (mapped onto {@code schema}) into a Parquet file at {@code target}.
     *
     * @throws SchemaDriftException  when a column cannot be mapped safely
     * @throws BadRowLimitException  when there are too many bad rows
     * @throws IOException           when reading or writing fails
     */
    public ConversionSummary toParquet(Path source, Schema schema, Path target, ParquetOptions parquet) throws IOException {
        try (ParquetBatchWriter out = new ParquetBatchWriter(target, schema, parquet)) {
            return convert(source, schema, out);
        }
    }

    /**
     * Streams {@code source} into {@code sink} and commits it; the caller closes the sink.
     *
     * @throws SchemaDriftException  when a column cannot be mapped safely
     * @throws BadRowLimitException  when there are too many bad rows (the sink is not committed)
     * @throws IOException           when reading or writing fails
     */
    public ConversionSummary convert(Path source, Schema schema, BatchSink sink) throws IOException {
        long t0 = System.nanoTime();
        RowFilter filter = options.filter().apply(schema);
        Path rejectsPath = options.rejectsFile().apply(source);
        Files.deleteIfExists(rejectsPath);
        try (RejectsFile rejects = new RejectsFile(rejectsPath); BatchSource in = open(source, schema, rejects)) {
            Pipeline pipeline = new Pipeline(in, schema, options.batchRows(), options.queueBatches());
            long written = 0, filtered = 0;
            pipeline.start(source.getFileName().toString());
            try {
                RowBatch batch;
                while ((batch = pipeline.take()) != null) {
                    filtered += batch.retain(filter);
                    sink.write(batch);
                    written += batch.size();
                    pipeline.recycle(batch);
                }
            } finally {
                pipeline.stop();
            }
            long read = in.rowsRead(), rejected = rejects.count();
            if (rejected > options.maxBadRowShare() * read) {
                throw new BadRowLimitException(source.getFileName().toString(), rejected, read, options.maxBadRowShare(), rejectsPath);
            }
            sink.commit();
            ConversionSummary summary = new ConversionSummary(source, read, written, rejected, filtered, in.changes(),
                    rejected > 0 ? rejectsPath : null, Duration.ofNanos(System.nanoTime() - t0));
            log.info("Converted {}", summary);
            return summary;
        }
    }

    private static BatchSource open(Path source, Schema schema, RejectsFile rejects) throws IOException {
        String name = source.getFileName().toString();
        if (name.endsWith(".parquet")) return new ParquetBatchSource(source, schema);
        if (name.endsWith(".csv") || name.endsWith(".csv.gz")) return new CsvBatchSource(source, schema, rejects);
        throw new IllegalArgumentException("unknown file type " + name + ": expected .csv, .csv.gz or .parquet");
    }

    /*
     * Concurrency: the parser thread takes an empty batch from `free`, fills it and puts it on
     * `full`; the caller takes from `full`, writes, and returns it to `free`. END marks the end
     * (after an error too, which is kept in `failure` and rethrown by take()). stop() interrupts
     * the parser if the caller leaves early (sink failure) and waits for it.
     */
    private static final class Pipeline {
        private final BatchSource in;
        private final BlockingQueue<RowBatch> free;
        private final BlockingQueue<RowBatch> full;
        private final RowBatch end;
        private volatile Throwable failure;
        private Thread parser;

        Pipeline(BatchSource in, Schema schema, int batchRows, int queueBatches) {
            this.in = in;
            this.free = new ArrayBlockingQueue<>(queueBatches + 1);
            this.full = new ArrayBlockingQueue<>(queueBatches + 2);
            this.end = new RowBatch(schema, 1);
            for (int i = 0; i < queueBatches + 1; i++) free.add(new RowBatch(schema, batchRows));
        }

        void start(String name) {
            parser = Thread.ofPlatform().name("flowcore-parse-" + name).daemon().start(this::parse);
        }

        private void parse() {
            try {
                while (true) {
                    RowBatch b = free.take();
                    if (!in.next(b)) break;
                    full.put(b);
                }
            } catch (InterruptedException e) {
                return; // stop() asked
            } catch (Throwable t) {
                failure = t;
            }
            try {
                full.put(end);
            } catch (InterruptedException ignored) {
                // stop() asked
            }
        }

        /** The next full batch, or null at the end; rethrows the parser's failure. */
        RowBatch take() throws IOException {
            RowBatch b;
            try {
                b = full.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while converting");
            }
            if (b != end) return b;
            Throwable t = failure;
            if (t instanceof IOException io) throw io;
            if (t instanceof RuntimeException re) throw re;
            if (t instanceof Error err) throw err;
            return null;
        }

        void recycle(RowBatch b) {
            b.clearTexts();
            free.add(b);
        }

        void stop() {
            if (parser.isAlive()) parser.interrupt();
            try {
                parser.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
