package io.flowcore.examples.taxi.data;

import io.flowcore.data.ParquetOptions;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Function;

/**
 * Settings of a {@link TaxiDataServer}.
 *
 * @param port     the TCP port on the loopback interface; 0 picks a free one
 * @param cacheDir where generated files are kept (created on demand; reused across runs)
 * @param months   what to generate for a requested month (row count, schema drift)
 * @param parquet  how Parquet files are written
 */
public record ServerOptions(int port, Path cacheDir, Function<MonthSpec, GeneratorOptions> months, ParquetOptions parquet) {

    /** @throws IllegalArgumentException when the port is outside 0..65535 */
    public ServerOptions {
        if (port < 0 || port > 65_535) throw new IllegalArgumentException("port must be 0..65535, was " + port);
        Objects.requireNonNull(cacheDir, "cacheDir");
        Objects.requireNonNull(months, "months");
        Objects.requireNonNull(parquet, "parquet");
    }

    /** A free port, real month sizes, no drift, default Parquet settings. */
    public static ServerOptions defaults(Path cacheDir) {
        return new ServerOptions(0, cacheDir, m -> GeneratorOptions.realSize(), ParquetOptions.defaults());
    }

    /** A copy that generates every month with {@code options}. */
    public ServerOptions withMonths(GeneratorOptions options) {
        return new ServerOptions(port, cacheDir, m -> options, parquet);
    }

    /** A copy that decides per month what to generate. */
    public ServerOptions withMonths(Function<MonthSpec, GeneratorOptions> months) {
        return new ServerOptions(port, cacheDir, months, parquet);
    }
}
