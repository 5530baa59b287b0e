package io.flowcore.examples.taxi;

import io.flowcore.api.block.Secret;
import io.flowcore.blocks.local.DuckDbWarehouse;
import io.flowcore.blocks.local.LocalLake;
import io.flowcore.blocks.sql.SqlConnector;
import io.flowcore.engine.Blocks;
import io.flowcore.engine.FlowcoreHome;
import io.flowcore.examples.taxi.data.GeneratorOptions;
import io.flowcore.examples.taxi.data.ServerOptions;
import io.flowcore.examples.taxi.data.TaxiDataServer;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * The taxi pipelines' local set-up, for running them as deployments through a standalone worker: saves
 * the blocks they load with local defaults ({@code taxi-lake}: a folder, {@code taxi-warehouse}: an
 * embedded DuckDB, {@code taxi-postgres} when {@code FLOWCORE_PG_URL} is set) and serves generated months
 * on {@code http://127.0.0.1:18770} — the source the examples' {@code flowcore.yaml} names — until stopped.
 *
 * <pre>
 * bash .ci/run-main.sh flowcore-taxi-examples io.flowcore.examples.taxi.TaxiLocal [rowsPerMonth]
 * </pre>
 */
public final class TaxiLocal {
    private TaxiLocal() {
    }

    public static void main(String[] args) throws Exception {
        Path home = FlowcoreHome.resolve();
        long rows = args.length > 0 ? Long.parseLong(args[0]) : -1;
        try (Blocks blocks = Blocks.open(home)) {
            saveLocalBlocks(blocks, home);
        }
        String port = System.getenv("FLOWCORE_TAXI_PORT");
        ServerOptions options = ServerOptions.defaults(home.resolve("taxi-source"))
                .withPort(port == null || port.isBlank() ? ServerOptions.DEFAULT_PORT : Integer.parseInt(port))
                .withMonths(rows < 0 ? GeneratorOptions.realSize() : GeneratorOptions.rows(rows));
        try (TaxiDataServer server = TaxiDataServer.start(options)) {
            System.out.println("Blocks taxi-lake and taxi-warehouse are saved under " + home + "; serving taxi months on "
                    + server.baseUri() + " until stopped (Ctrl-C)");
            new CountDownLatch(1).await();
        }
    }

    /**
     * Saves the blocks the taxi flows load, unless blocks of those types exist: {@code taxi-lake},
     * {@code taxi-warehouse}, and {@code taxi-postgres} from {@code FLOWCORE_PG_URL}/{@code _USER}/{@code _PASSWORD}.
     *
     * @return whether a PostgreSQL block is saved (Ingest Data needs one)
     */
    public static boolean saveLocalBlocks(Blocks blocks, Path home) {
        if (blocks.list(LocalLake.class).isEmpty()) blocks.save("taxi-lake", LocalLake.at(home.resolve("lake")));
        if (blocks.list(DuckDbWarehouse.class).isEmpty()) {
            blocks.save("taxi-warehouse", DuckDbWarehouse.at(home.resolve("warehouse.duckdb")));
        }
        String pgUrl = System.getenv("FLOWCORE_PG_URL");
        if (pgUrl == null || pgUrl.isBlank()) return !blocks.list(SqlConnector.class).isEmpty();
        blocks.save("taxi-postgres", SqlConnector.ofUrl(pgUrl, env("FLOWCORE_PG_USER", "flowcore"),
                Secret.of(env("FLOWCORE_PG_PASSWORD", "flowcore"))), true);
        return true;
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }
}
