package io.flowcore.server;

import io.flowcore.api.run.FlowRunRecord;
import io.flowcore.api.run.RunLog;
import io.flowcore.engine.Flowcore;
import io.javalin.http.Context;
import io.javalin.http.sse.SseClient;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/*
 * A run's logs as server-sent events: "logs" events, each a JSON array of up to PAGE lines (each with its
 * index) whose id is the index of its last line, then "end" once the run has ended and every line was sent.
 * One event per page, not per line: a run with 10,000 lines reaches the browser in ten events. The store is polled (POLL), because the lines may be written
 * by another process (a worker); a browser that reconnects sends Last-Event-ID and gets only the lines after
 * it, so a server restart loses nothing. Each poll reads only the lines after the last one sent (a page of the
 * store's log index), so following a long log costs what is new, not the whole log. One virtual thread per
 * open stream.
 */
final class LogStream {
    private static final long POLL_MILLIS = 250;
    private static final int PAGE = 1000;

    private final Api api;
    private final Set<SseClient> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    LogStream(Api api) {
        this.api = api;
    }

    /** Before the stream starts: a run the caller's workspace does not have is a 404, not an empty stream. */
    void find(Context ctx) {
        Flowcore fc = api.fc(ctx); // the caller's workspace, resolved once for the stream's life
        ctx.attribute("fc", fc);
        ctx.attribute("run", Api.run(fc, ctx.pathParam("id")));
    }

    void stream(SseClient client) {
        Flowcore fc = client.ctx().attribute("fc");
        FlowRunRecord run = client.ctx().attribute("run");
        int next = resumeAfter(client.ctx().header("Last-Event-ID"));
        client.keepAlive();
        open.add(client);
        client.onClose(() -> open.remove(client));
        Thread.ofVirtual().name("flowcore-log-stream").start(() -> follow(fc, client, run, next));
    }

    private void follow(Flowcore fc, SseClient client, FlowRunRecord run, int next) {
        try {
            while (!closed && !client.terminated()) {
                boolean ended = fc.history().flowRun(run.id()).map(r -> r.state().type().isFinal()).orElse(true);
                // read after the state: no line is missed at the end; only the lines not sent yet, a page at a time
                List<RunLog> page;
                do {
                    page = fc.history().logs(run.id(), next, PAGE);
                    if (page.isEmpty() || client.terminated()) break;
                    List<Object> lines = new java.util.ArrayList<>(page.size());
                    for (RunLog l : page) lines.add(Views.log(l, next + lines.size()));
                    next += page.size();
                    client.sendEvent("logs", Views.json(lines), Integer.toString(next - 1));
                } while (page.size() == PAGE);
                if (ended) {
                    client.sendEvent("end", "{}");
                    break;
                }
                Thread.sleep(POLL_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // the browser went away mid-write, or the store closed: the browser reconnects if it still cares
        } finally {
            client.close();
        }
    }

    private static int resumeAfter(String lastEventId) {
        if (lastEventId == null) return 0;
        try {
            return Math.max(0, Integer.parseInt(lastEventId.trim()) + 1);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    void close() {
        closed = true;
        open.forEach(SseClient::close);
    }
}
