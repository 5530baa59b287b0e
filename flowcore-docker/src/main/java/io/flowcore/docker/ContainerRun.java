package io.flowcore.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.StreamType;
import com.github.dockerjava.api.model.WaitResponse;
import io.flowcore.api.spi.Launcher;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/*
 * A started container. Its output is read by attaching before the start (the engine's log follow drops a
 * last line without its newline when the container exits), replaying anything written before the attach
 * took, and cut into lines per stream, since Docker's frames need not end at a line's end. The
 * wait for its exit is asked for once, at once, and await() only waits for that answer: a cancel interrupts
 * the waiting thread, and the worker then calls stop() and await() again. Once it has exited, the container
 * is inspected (was it killed for its memory?) and removed, and the client closed.
 */
final class ContainerRun implements Launcher.LaunchedRun {
    private static final long LOG_DRAIN_SECONDS = 10;
    private static final long ATTACH_SECONDS = 30;
    private final DockerClient client;
    private final String id;
    private final DockerSettings settings;
    private final Lines stdout;
    private final Lines stderr;
    private final ResultCallback.Adapter<Frame> output;
    private Waiter waiter;
    private Launcher.Exit exit;

    /** Attaches to the created container's output; {@link #start} starts it. */
    ContainerRun(DockerClient client, String id, DockerSettings settings, BiConsumer<Boolean, String> sink)
            throws InterruptedException {
        this.client = client;
        this.id = id;
        this.settings = settings;
        this.stdout = new Lines(false, sink);
        this.stderr = new Lines(true, sink);
        this.output = client.attachContainerCmd(id).withFollowStream(true).withStdOut(true).withStdErr(true)
                .withLogs(true).exec(new ResultCallback.Adapter<>() {
                    @Override
                    public void onNext(Frame f) {
                        (f.getStreamType() == StreamType.STDERR ? stderr : stdout).add(f.getPayload());
                    }
                });
        this.output.awaitStarted(ATTACH_SECONDS, TimeUnit.SECONDS);
    }

    /** Starts the container and asks for its exit code. */
    void start() {
        client.startContainerCmd(id).exec();
        waiter = client.waitContainerCmd(id).exec(new Waiter());
    }

    @Override
    public String describe() {
        return "container " + id.substring(0, 12);
    }

    @Override
    public void stop(Duration grace) {
        Duration g = grace == null ? settings.stopGrace() : grace;
        int seconds = (int) Math.max(0, Math.min(Integer.MAX_VALUE, (g.toMillis() + 999) / 1000));
        // docker stop: SIGTERM, SIGKILL after the timeout; it blocks until the container is gone, so not here
        Thread.ofVirtual().name("flowcore-docker-stop").start(() -> {
            try {
                client.stopContainerCmd(id).withTimeout(seconds).exec();
            } catch (NotModifiedException | NotFoundException e) {
                // already stopped, or removed
            } catch (RuntimeException e) {
                try {
                    client.killContainerCmd(id).exec();
                } catch (RuntimeException ignored) {
                    // it ended meanwhile, or the engine is gone: await() reports what it can
                }
            }
        });
    }

    @Override
    public synchronized Launcher.Exit await() throws InterruptedException {
        if (exit != null) return exit;
        try {
            waiter.awaitCompletion();
        } catch (RuntimeException e) {
            // the wait broke off (e.g. the engine restarted): the inspection below says how it ended
        }
        try {
            output.awaitCompletion(LOG_DRAIN_SECONDS, TimeUnit.SECONDS);
        } catch (RuntimeException e) {
            // the output broke off: what came is delivered
        }
        stdout.flush();
        stderr.flush();
        exit = ended();
        remove(client, id);
        try {
            client.close();
        } catch (IOException e) {
            // nothing left to do with it
        }
        return exit;
    }

    /** How the container ended, from the engine's record of it (the wait's answer when that is gone). */
    private Launcher.Exit ended() {
        InspectContainerResponse.ContainerState state;
        try {
            state = client.inspectContainerCmd(id).exec().getState();
        } catch (RuntimeException e) {
            if (waiter.code != null) return exit(waiter.code, false);
            return new Launcher.Exit(-1, "the container is gone (" + e.getMessage() + ")");
        }
        Long code = state.getExitCodeLong();
        int c = code != null ? code.intValue() : waiter.code != null ? waiter.code : -1;
        return exit(c, Boolean.TRUE.equals(state.getOOMKilled()));
    }

    private Launcher.Exit exit(int code, boolean oomKilled) {
        if (oomKilled && settings.memory() == null) {
            return new Launcher.Exit(code, "killed for using more memory than the machine had left (OOM): set the "
                    + "deployment's memory setting and the JVM's -Xmx below it");
        }
        if (oomKilled) {
            return new Launcher.Exit(code, "killed for using more than its memory limit (OOM) of "
                    + (settings.memory() >> 20) + " MiB: raise the deployment's memory setting or lower the JVM's -Xmx");
        }
        return new Launcher.Exit(code, switch (code) {
            case 137 -> "killed (SIGKILL)";
            case 143 -> "stopped (SIGTERM)";
            default -> null;
        });
    }

    static void remove(DockerClient client, String id) {
        try {
            client.removeContainerCmd(id).withForce(true).exec();
        } catch (RuntimeException e) {
            // already removed (e.g. by hand)
        }
    }

    /** The exit code the engine's wait answered with. */
    private static final class Waiter extends ResultCallback.Adapter<WaitResponse> {
        private volatile Integer code;

        @Override
        public void onNext(WaitResponse w) {
            code = w.getStatusCode();
        }
    }

    /** One stream's bytes, handed on a line at a time. */
    private static final class Lines {
        private final boolean stderr;
        private final BiConsumer<Boolean, String> output;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        Lines(boolean stderr, BiConsumer<Boolean, String> output) {
            this.stderr = stderr;
            this.output = output;
        }

        synchronized void add(byte[] bytes) {
            for (byte b : bytes) {
                if (b == '\n') emit();
                else line.write(b);
            }
        }

        synchronized void flush() {
            if (line.size() > 0) emit();
        }

        private void emit() {
            String s = line.toString(StandardCharsets.UTF_8);
            line.reset();
            if (s.endsWith("\r")) s = s.substring(0, s.length() - 1);
            output.accept(stderr, s);
        }
    }
}
