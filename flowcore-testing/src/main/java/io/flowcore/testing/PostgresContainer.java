package io.flowcore.testing;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.PullPolicy;
import org.testcontainers.utility.DockerImageName;

/**
 * A PostgreSQL server in a Docker container that a test can stop, restart and freeze while engines and
 * workers use it: the store for fault tests (a database restart, a network partition).
 *
 * <pre>{@code
 * try (PostgresContainer pg = new PostgresContainer().start();
 *      Flowcore fc = Flowcore.create(cfg -> cfg.database(pg.jdbcUrl(), pg.user(), pg.password()))) {
 *     pg.stop();    // the server shuts down; the data stays
 *     pg.start();   // and comes back on the same port
 *     pg.kill();    // or crashes (SIGKILL)
 *     pg.pause();   // frozen: connections stay open, queries hang, as in a network partition
 *     pg.unpause();
 * }
 * }</pre>
 *
 * <p>The container uses host networking (it listens on {@code 127.0.0.1} at a free port of this machine,
 * with role and database {@code flowcore}/{@code flowcore}) and the image {@value #DEFAULT_IMAGE}, which
 * is built locally, never pulled: in the flowcore repository {@code bash .ci/test-infra.sh up} builds it
 * from {@code docker/postgres/Dockerfile}. Testcontainers needs a Docker engine; where no registry can be
 * reached set {@code TESTCONTAINERS_HOST_OVERRIDE=localhost}, {@code TESTCONTAINERS_RYUK_DISABLED=true}
 * and {@code TESTCONTAINERS_CHECKS_DISABLE=true}, else it tries to pull helper images for minutes.
 *
 * <p>Not thread-safe: one test drives it. {@link #close()} removes the container and its data.
 */
public final class PostgresContainer implements AutoCloseable {
    /** The image used by {@link #PostgresContainer()}. */
    public static final String DEFAULT_IMAGE = "local/flowcore-postgres";
    private static final String NAME = "flowcore";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private final String image;
    private GenericContainer<?> container;
    private int port;
    private boolean running;
    private boolean paused;

    /** A server from {@value #DEFAULT_IMAGE}; nothing starts before {@link #start()}. */
    public PostgresContainer() {
        this(DEFAULT_IMAGE);
    }

    /**
     * A server from {@code image}: one built like {@code docker/postgres/Dockerfile} (the server binary as
     * entry point, taking {@code -p PORT}; role and database {@code flowcore} with password {@code flowcore}).
     */
    public PostgresContainer(String image) {
        this.image = Objects.requireNonNull(image, "image");
    }

    /**
     * Starts the server and returns when it accepts connections: the first call creates the container on
     * a free port, a call after {@link #stop()} starts the same container again, with its data, on the
     * same port. Does nothing while it runs.
     *
     * @throws IllegalStateException when there is no Docker engine or the image is not present (it is
     *                               never pulled), or the server does not become ready within 60 s
     */
    public PostgresContainer start() {
        if (running) return this;
        if (container == null) {
            create();
        } else {
            client().startContainerCmd(container.getContainerId()).exec();
            awaitConnections();
        }
        running = true;
        return this;
    }

    private void create() {
        if (!DockerClientFactory.instance().isDockerAvailable()) {
            throw new IllegalStateException("no Docker engine answers, so PostgresContainer cannot start "
                    + image + " (in the flowcore repository `bash .ci/test-infra.sh up` starts one)");
        }
        try {
            client().inspectImageCmd(image).exec();
        } catch (NotFoundException e) {
            throw new IllegalStateException("Docker image " + image + " is not present and cannot be pulled here:"
                    + " it is built locally (in the flowcore repository `bash .ci/test-infra.sh up` builds it"
                    + " from docker/postgres/Dockerfile)", e);
        }
        port = freePort();
        GenericContainer<?> c = new GenericContainer<>(DockerImageName.parse(image))
                .withNetworkMode("host")
                .withCommand("-p", String.valueOf(port))
                .withImagePullPolicy(PullPolicy.defaultPolicy())
                .waitingFor(Wait.forLogMessage(".*database system is ready to accept connections.*\\s", 1)
                        .withStartupTimeout(READY_TIMEOUT));
        c.start();
        container = c;
    }

    /**
     * Shuts the server down (PostgreSQL's fast shutdown: open connections are closed) and keeps the
     * container and its data for {@link #start()}. Unpauses it first when paused.
     */
    public void stop() {
        if (!running) return;
        unpause();
        client().stopContainerCmd(container.getContainerId()).withTimeout(30).exec();
        running = false;
    }

    /**
     * Kills the server at once ({@code docker kill}, SIGKILL: a crash; at {@link #start()} PostgreSQL
     * recovers what it committed from its write-ahead log). Keeps the container and its data.
     */
    public void kill() {
        if (!running) return;
        unpause();
        client().killContainerCmd(container.getContainerId()).exec();
        running = false;
    }

    /**
     * Freezes the server ({@code docker pause}): connections stay open but nothing answers, so clients
     * block until their socket timeout, as in a network partition.
     *
     * @throws IllegalStateException when the server is not running
     */
    public void pause() {
        if (!running) throw new IllegalStateException("PostgresContainer.pause(): the server is not running");
        if (paused) return;
        client().pauseContainerCmd(container.getContainerId()).exec();
        paused = true;
    }

    /** Lets a {@link #pause() paused} server go on where it stopped. Does nothing when it is not paused. */
    public void unpause() {
        if (!paused) return;
        client().unpauseContainerCmd(container.getContainerId()).exec();
        paused = false;
    }

    /**
     * The JDBC URL of the {@code flowcore} database, e.g. {@code jdbc:postgresql://127.0.0.1:41234/flowcore}.
     *
     * @throws IllegalStateException before the first {@link #start()}
     */
    public String jdbcUrl() {
        if (container == null) throw new IllegalStateException("PostgresContainer.jdbcUrl(): call start() first");
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + NAME;
    }

    /** The port the server listens on (on {@code 127.0.0.1}); the same across restarts. */
    public int port() {
        if (container == null) throw new IllegalStateException("PostgresContainer.port(): call start() first");
        return port;
    }

    /** The role to log in as: {@code flowcore}. */
    public String user() {
        return NAME;
    }

    /** The role's password: {@code flowcore}. */
    public String password() {
        return NAME;
    }

    /** What the server has logged so far (for a failing test's message). */
    public String logs() {
        return container == null ? "" : container.getLogs();
    }

    /** Removes the container and its data. */
    @Override
    public void close() {
        if (container == null) return;
        unpause();
        container.stop();
        container = null;
        running = false;
    }

    private static DockerClient client() {
        return DockerClientFactory.instance().client();
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on 127.0.0.1 for PostgresContainer", e);
        }
    }

    /** After a restart the log already holds the first "ready" line: ask the server itself. */
    private void awaitConnections() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        SQLException last = null;
        while (System.nanoTime() < deadline) {
            try (Connection c = DriverManager.getConnection(jdbcUrl() + "?connectTimeout=2&socketTimeout=5",
                    user(), password())) {
                c.createStatement().execute("select 1");
                return;
            } catch (SQLException e) {
                last = e;
            }
            try {
                Thread.sleep(50); // polling a real server for readiness: nothing to latch on
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for PostgreSQL on port " + port, e);
            }
        }
        throw new IllegalStateException("PostgreSQL in " + image + " did not accept connections on port " + port
                + " within " + READY_TIMEOUT.toSeconds() + " s after a restart; its log:\n" + logs(), last);
    }
}
