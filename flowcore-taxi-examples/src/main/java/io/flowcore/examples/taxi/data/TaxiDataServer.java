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
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
 * request, into the cache folder, then served with {@code Content-Length} and single-range
 * {@code Range} support (206 + {@code Content-Range}, 416 when unsatisfiable). Unknown paths get a
 * 404 whose body lists the valid layouts.
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
    private final Map<String, Long> dropOnce = new ConcurrentHashMap<>();

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
        dropOnce.put(path, afterBytes);
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
        try (ex) {
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
    }

    private void serveFile(HttpExchange ex, String path, Path file, boolean head) throws IOException {
        long length = Files.size(file);
        long start = 0, end = length - 1;
        String range = ex.getRequestHeaders().getFirst("Range");
        int status = 200;
        ex.getResponseHeaders().set("Accept-Ranges", "bytes");
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
        ex.sendResponseHeaders(status, count);
        Long dropAfter = dropOnce.remove(path);
        long limit = dropAfter == null ? count : Math.min(count, dropAfter);
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
        if (limit < count) {
            log.info("Dropping the connection for {} after {} of {} bytes (test hook)", path, limit, count);
            // Closing the exchange with bytes still owed makes the JDK server close the connection.
            throw new IOException("connection dropped on purpose after " + limit + " bytes");
        }
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
