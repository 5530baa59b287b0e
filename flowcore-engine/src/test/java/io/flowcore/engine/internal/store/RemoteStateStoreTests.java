package io.flowcore.engine.internal.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.flowcore.api.run.FlowRunRecord;
import io.flowcore.api.run.RunLog;
import io.flowcore.api.run.TaskRunRecord;
import io.flowcore.api.spi.Claim;
import io.flowcore.api.spi.StateStore;
import io.flowcore.api.state.StateType;
import io.flowcore.engine.internal.remote.RemoteClient;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store contract for a store on a flowcore server (RemoteStateStore), over real HTTP: a small server in
 * the test answers the engine API as flowcore-server does (RemoteCalls, on a real SQLite store), so these
 * tests hold the remote store to what every store must do, and check that a killed remote engine's journal
 * reaches the server through the next one.
 */
class RemoteStateStoreTests extends StateStoreContractTests {
    @TempDir
    Path dir;
    private JdbcStateStore backend;
    private HttpServer http;
    private int port;

    @Override
    protected StateStore open() {
        backend = StoreFactory.openSqlite(dir.resolve("server").resolve("flowcore.db"), true);
        serve(0);
        return remote();
    }

    private StateStore remote() {
        return StoreFactory.remote(new RemoteClient("http://127.0.0.1:" + port, null, Duration.ofSeconds(10)),
                dir.resolve("engine").resolve("journal"), new StoreFactory.Options(Duration.ofSeconds(5), Duration.ofSeconds(10)));
    }

    @Override
    protected StateStore reopen(StateStore old) {
        old.close();
        return remote();
    }

    @AfterEach
    void stopServer() {
        if (store != null) store.close(); // before the server it sends to
        store = null;
        if (http != null) http.stop(0);
        if (backend != null) backend.close();
    }

    /** Answers the engine API on {@code wanted} (0: any free port) as flowcore-server does, without keys. */
    private void serve(int wanted) {
        try {
            http = HttpServer.create(new InetSocketAddress("127.0.0.1", wanted), 0);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        http.createContext("/api/engine/", this::answer);
        http.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
        http.start();
        port = http.getAddress().getPort();
    }

    private void answer(HttpExchange x) throws IOException {
        byte[] body = x.getRequestBody().readAllBytes();
        String path = x.getRequestURI().getPath();
        int status = 200;
        byte[] out;
        try {
            if (path.equals("/api/engine/ops")) {
                RemoteCalls.write(backend, body);
                out = "{}".getBytes(StandardCharsets.UTF_8);
            } else {
                out = RemoteCalls.call(backend, null, path.substring("/api/engine/call/".length()), body);
            }
        } catch (IllegalArgumentException | IllegalStateException e) {
            status = e instanceof IllegalArgumentException ? 400 : 409;
            out = io.flowcore.engine.internal.remote.RemoteJson.MAPPER.writeValueAsBytes(
                    java.util.Map.of("error", String.valueOf(e.getMessage())));
        } catch (RuntimeException e) {
            status = 500;
            out = "{}".getBytes(StandardCharsets.UTF_8);
        }
        x.getResponseHeaders().add("Content-Type", "application/json");
        x.sendResponseHeaders(status, out.length);
        try (OutputStream o = x.getResponseBody()) {
            o.write(out);
        }
    }

    @Test
    void theWritesOfAKilledRemoteEngineReachTheServerThroughTheNextEngineOnItsHome() {
        http.stop(0); // the server is away: the writes stay in the engine's journal
        RemoteStateStore killed = (RemoteStateStore) store;
        FlowRunRecord flow = flowRun("etl", T0, StateType.RUNNING, "e");
        killed.insertFlowRun(flow);
        Claim claim = Claim.initial(flow.id());
        TaskRunRecord task = taskRun(flow.id(), 0, List.of());
        killed.insertTaskRun(claim, task);
        killed.setTaskRunState(claim, task.id(), state(StateType.COMPLETED, T0.plusSeconds(1)), "results/t");
        killed.appendLog(new RunLog(flow.id(), task.id(), T0.plusSeconds(1), "INFO", "t", "written before the kill"));
        killed.crashForTest();
        store = null;
        assertEquals(java.util.Optional.empty(), backend.flowRun(flow.id()), "the server had none of it");

        serve(port); // the server is back; a new engine opens on the same home
        store = remote();
        assertEquals(StateType.RUNNING, backend.flowRun(flow.id()).orElseThrow().state().type());
        assertEquals(StateType.COMPLETED, backend.taskRun(task.id()).orElseThrow().state().type());
        assertEquals(List.of("written before the kill"), backend.logs(flow.id()).stream().map(RunLog::message).toList());
        store.close(); // sending it again changes nothing: every write is idempotent
        store = remote();
        assertEquals(1, backend.logs(flow.id()).size());
        assertEquals(2, backend.stateHistory(task.id()).size());
    }

    @Test
    void aBatchWithAWriteOfNoClaimEpochIsRefusedWhole() {
        FlowRunRecord flow = flowRun("etl", T0, StateType.RUNNING, "e");
        store.insertFlowRun(flow);
        store.flush();
        byte[] unfenced = OpBatches.encodeInChunks(List.of(new StoreOp.SetFlowRunState(flow.id(),
                state(StateType.COMPLETED, T0), StoreOp.seq(0, 5), StoreOp.UNFENCED))).get(0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RemoteCalls.write(backend, unfenced));
        assertTrue(e.getMessage().contains("no claim epoch"), e.getMessage());
        assertEquals(StateType.RUNNING, backend.flowRun(flow.id()).orElseThrow().state().type());
        assertThrows(IllegalArgumentException.class, () -> RemoteCalls.write(backend, new byte[] {1, 0, 0, 0, 9}));
        assertThrows(IllegalArgumentException.class, () -> RemoteCalls.call(backend, null, "close", "[]".getBytes()));
    }
}
