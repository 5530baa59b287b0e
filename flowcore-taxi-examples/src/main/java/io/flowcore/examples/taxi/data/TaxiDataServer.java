package io.flowcore.examples.taxi.data;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local HTTP server (loopback only) that serves generated months under the real URL layouts:
 * TLC Parquet {@code /trip-data/{color}_tripdata_{yyyy}-{mm}.parquet} and the course's CSV backup
 * {@code /{color}/{color}_tripdata_{yyyy}-{mm}.csv.gz}. Each file is generated once, on its first
 * request, into the cache folder, then served with {@code Content-Length}, a strong {@code ETag}
 * and {@code Last-Modified} (both change when the file does), and single-range {@code Range} support
 * (206 + {@code Content-Range}, 416 when unsatisfiable; an {@code If-Range} naming another version
 * gets the whole file with 200). Unknown paths get a 404 whose body lists the valid layouts. The
 * {@code ...Once} methods are test hooks that make the next response for a path fail the way real
 * networks and servers do.
 *
 * <pre>{@code
 * try (TaxiDataServer server = TaxiDataServer.start(ServerOptions.defaults(cacheDir))) {
 *     URI csv = server.csvGzUri(MonthSpec.of(Service.YELLOW, 2021, 1));
 * }
 * }</pre>
 */
public final class TaxiDataServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TaxiDataServer.class);
    private static final Pattern PARQUET = Pattern.compile("/trip-data/(yellow|green|fhv)_tripdata_(\\d{4})-(\\d{2})\\.parquet");
    private static final Pattern CSV_GZ = Pattern.compile("/(yellow|green|fhv)/(yellow|green|fhv)_tripdata_(\\d{4})-(\\d{2})\\.csv\\.gz");
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");

    private final ServerOptions options;
    private final HttpServer http;
    private final ExecutorService executor;
    private final Map<Path, Object> generating = new ConcurrentHashMap<>();
    private final Map<String, Fault> faults = new ConcurrentHashMap<>();
    private volatile boolean ignoreIfRange;

    /* What the next response for a path does wrong (test hooks). */
    private sealed interface Fault {
    }

    private record Drop(long afterBytes) implements Fault {
    }

    private record Stall(long afterBytes, CountDownLatch release) implements Fault {
    }

    private record Truncate(long bytes) implements Fault {
    }

    private record ChunkedDrop(long afterBytes) implements Fault {
    }

    /* Thrown to leave the connection broken: the exchange must not be closed normally (that would finish the body). */
    private static final class AbortConnection extends IOException {
        AbortConnection(String message) {
            super(message);
        }
    }

    private TaxiDataServer(ServerOptions options) throws IOException {
        this.options = options;
        this.executor = Executors.newVirtualThreadPerTaskExecutor();
        this.http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), options.port()), 64);
        http.createContext("/", this::handle);
        http.setExecutor(executor);
        http.start();
    }

    /**
     * Starts a server on the loopback interface.
     *
     * @throws IOException when the port cannot be bound
     */
    public static TaxiDataServer start(ServerOptions options) throws IOException {
        TaxiDataServer server = new TaxiDataServer(options);
        log.info("Taxi data server listening on {} (cache {})", server.baseUri(), options.cacheDir());
        return server;
    }

    /** {@code http://127.0.0.1:PORT}, without a trailing slash. */
    public URI baseUri() {
        return URI.create("http://" + http.getAddress().getAddress().getHostAddress() + ":" + http.getAddress().getPort());
    }

    /** The URL of a month's TLC Parquet file. */
    public URI parquetUri(MonthSpec month) {
        return URI.create(baseUri() + month.parquetPath());
    }

    /** The URL of a month's CSV.gz backup file. */
    public URI csvGzUri(MonthSpec month) {
        return URI.create(baseUri() + month.csvGzPath());
    }

    /**
     * Test hook: the next GET of {@code path} sends {@code afterBytes} bytes of the body, then drops the
     * connection (the response announced more), as a flaky network would.
     */
    public void dropConnectionOnce(String path, long afterBytes) {
        faults.put(path, new Drop(afterBytes));
    }

    /**
     * Test hook: the next GET of {@code path} sends {@code afterBytes} bytes of the body, then sends
     * nothing more, with the connection open, until {@code release} is counted down (or the server
     * closes); then it drops the connection.
     */
    public void stallOnce(String path, long afterBytes, CountDownLatch release) {
        faults.put(path, new Stall(afterBytes, release));
    }

    /**
     * Test hook: the next GET of {@code path} serves only the first {@code bytes} bytes of the file as a
     * complete response whose {@code Content-Length} says so, as a server holding a cut-short file would.
     */
    public void truncateOnce(String path, long bytes) {
        faults.put(path, new Truncate(bytes));
    }

    /**
     * Test hook: the next GET of {@code path} sends the body chunked (no {@code Content-Length}) and drops
     * the connection after {@code afterBytes} bytes, without the last chunk.
     */
    public void chunkedDropOnce(String path, long afterBytes) {
        faults.put(path, new ChunkedDrop(afterBytes));
    }

    /**
     * Test hook: whether a Range request is answered with 206 even when its {@code If-Range} names
     * another version of the file (as servers that do not implement If-Range do); false by default.
     */
    public void ignoreIfRange(boolean ignore) {
        this.ignoreIfRange = ignore;
    }

    /**
     * The cached file for a URL path, generating it if needed.
     *
     * @throws IllegalArgumentException when the path matches neither layout
     */
    public Path file(String path) throws IOException {
        Matcher m;
        if ((m = PARQUET.matcher(path)).matches()) {
            MonthSpec month = MonthSpec.of(Service.ofColor(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
            GeneratorOptions gen = options.months().apply(month);
            Path file = cachePath(gen, path);
            return generateOnce(file, () -> MonthFiles.writeParquet(month, gen, file, options.parquet()));
        }
        if ((m = CSV_GZ.matcher(path)).matches() && m.group(1).equals(m.group(2))) {
            MonthSpec month = MonthSpec.of(Service.ofColor(m.group(1)), Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4)));
            GeneratorOptions gen = options.months().apply(month);
            Path file = cachePath(gen, path);
            return generateOnce(file, () -> MonthFiles.writeCsvGz(month, gen, file));
        }
        throw new IllegalArgumentException(path);
    }

    private Path cachePath(GeneratorOptions gen, String path) {
        DriftProfile d = gen.drift();
        String variant = "rows-" + (gen.rows() < 0 ? "real" : gen.rows())
                + (d.isNone() ? "" : "-drift" + (d.passengerCountAsDouble() ? "-pcdouble" : "")
                + (d.airportFeeInt32Nulls() ? "-afint32" : "") + (d.ehailFeeAbsent() ? "-noehail" : ""));
        return options.cacheDir().resolve(variant).resolve(path.substring(1));
    }

    private interface Generation {
        long run() throws IOException;
    }

    private Path generateOnce(Path file, Generation generation) throws IOException {
        Object lock = generating.computeIfAbsent(file, f -> new Object());
        synchronized (lock) {
            if (!Files.exists(file)) {
                long t0 = System.nanoTime();
                long rows = generation.run();
                log.info("Generated {} ({} rows, {} bytes) in {} ms", file.getFileName(), rows, Files.size(file),
                        (System.nanoTime() - t0) / 1_000_000);
            }
        }
        return file;
    }

    private void handle(HttpExchange ex) throws IOException {
        boolean abort = false;
        try {
            respond(ex);
        } catch (AbortConnection e) {
            abort = true; // left open: the JDK server then closes the connection with the body unfinished
            throw e;
        } finally {
            if (!abort) ex.close();
        }
    }

    private void respond(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        String method = ex.getRequestMethod();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            sendText(ex, 405, "method " + method + " not allowed; use GET or HEAD\n");
            return;
        }
        Path file;
        try {
            file = file(path);
        } catch (IllegalArgumentException e) {
            sendText(ex, 404, "no such file: " + path + "\nthis server serves generated NYC taxi months at\n"
                    + "  /trip-data/{yellow|green|fhv}_tripdata_{yyyy}-{mm}.parquet\n"
                    + "  /{color}/{color}_tripdata_{yyyy}-{mm}.csv.gz\n"
                    + (e.getMessage().equals(path) ? "" : "(" + e.getMessage() + ")\n"));
            return;
        }
        serveFile(ex, path, file, method.equals("HEAD"));
    }

    private void serveFile(HttpExchange ex, String path, Path file, boolean head) throws IOException {
        long length = Files.size(file);
        long start = 0, end = length - 1;
        String etag = etag(file);
        String lastModified = lastModified(file);
        String range = ex.getRequestHeaders().getFirst("Range");
        String ifRange = ex.getRequestHeaders().getFirst("If-Range");
        if (range != null && ifRange != null && !ignoreIfRange && !ifRange.equals(etag) && !ifRange.equals(lastModified)) {
            range = null; // the client holds another version: send the whole file
        }
        int status = 200;
        ex.getResponseHeaders().set("Accept-Ranges", "bytes");
        ex.getResponseHeaders().set("ETag", etag);
        ex.getResponseHeaders().set("Last-Modified", lastModified);
        ex.getResponseHeaders().set("Content-Type", path.endsWith(".parquet") ? "application/octet-stream" : "application/gzip");
        if (range != null) {
            Matcher m = RANGE.matcher(range.trim());
            boolean ok = m.matches() && !(m.group(1).isEmpty() && m.group(2).isEmpty());
            if (ok) {
                if (m.group(1).isEmpty()) { // suffix: the last N bytes
                    start = Math.max(0, length - Long.parseLong(m.group(2)));
                } else {
                    start = Long.parseLong(m.group(1));
                    if (!m.group(2).isEmpty()) end = Math.min(end, Long.parseLong(m.group(2)));
                }
                ok = start < length && start <= end;
            }
            if (!ok) {
                ex.getResponseHeaders().set("Content-Range", "bytes */" + length);
                sendText(ex, 416, "range " + range + " not satisfiable for " + path + " (" + length + " bytes)\n");
                return;
            }
            status = 206;
            ex.getResponseHeaders().set("Content-Range", "bytes " + start + "-" + end + "/" + length);
        }
        long count = end - start + 1;
        if (head) {
            ex.getResponseHeaders().set("Content-Length", Long.toString(count));
            ex.sendResponseHeaders(status, -1);
            return;
        }
        Fault fault = faults.remove(path);
        if (fault instanceof Truncate t) count = Math.min(count, t.bytes());
        ex.sendResponseHeaders(status, fault instanceof ChunkedDrop ? 0 : count);
        long limit = switch (fault) {
            case Drop d -> Math.min(count, d.afterBytes());
            case Stall st -> Math.min(count, st.afterBytes());
            case ChunkedDrop c -> Math.min(count, c.afterBytes());
            case null, default -> count;
        };
        try (InputStream in = Files.newInputStream(file)) {
            in.skipNBytes(start);
            OutputStream out = ex.getResponseBody();
            byte[] buf = new byte[1 << 16];
            long left = limit;
            while (left > 0) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                if (n < 0) break;
                out.write(buf, 0, n);
                left -= n;
            }
            out.flush();
        }
        if (fault instanceof Stall st) {
            log.info("Stalling {} after {} of {} bytes (test hook)", path, limit, count);
            try {
                st.release().await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // the server is closing
            }
        }
        if (limit < count || fault instanceof ChunkedDrop) {
            log.info("Dropping the connection for {} after {} of {} bytes (test hook)", path, limit, count);
            throw new AbortConnection("connection dropped on purpose after " + limit + " bytes");
        }
    }

    /* Strong, and different whenever the file is rewritten: size and modification time. */
    private static String etag(Path file) throws IOException {
        return "\"" + Long.toHexString(Files.size(file)) + "-"
                + Long.toHexString(Files.getLastModifiedTime(file).toInstant().toEpochMilli()) + "\"";
    }

    private static String lastModified(Path file) throws IOException {
        return DateTimeFormatter.RFC_1123_DATE_TIME.format(Files.getLastModifiedTime(file).toInstant().atOffset(ZoneOffset.UTC));
    }

    private static void sendText(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
    }

    /** Stops the server at once (open downloads are cut). */
    @Override
    public void close() {
        http.stop(0);
        executor.shutdownNow();
    }
}
