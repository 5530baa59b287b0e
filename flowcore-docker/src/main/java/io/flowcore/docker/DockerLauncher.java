package io.flowcore.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import io.flowcore.api.deployment.Infrastructure;
import io.flowcore.api.spi.Launcher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * The {@code docker} infrastructure: one container per flow run, from the deployment's {@code image}, which
 * must already exist on the Docker engine (nothing is pulled). The container runs
 * {@code java <jvmOptions> -cp /opt/flowcore/lib/*:/opt/flowcore/code/* <main class> <args>}: the image
 * holds flowcore and the flows in {@code /opt/flowcore/lib}, and a deployment's code kept in storage is
 * mounted read-only into {@code /opt/flowcore/code}. It shares the host's network unless {@code network} is
 * {@code none}, so it reaches a database on the host's loopback; the worker's {@code FLOWCORE_HOME} is
 * mounted at the same path (the embedded store, results). The engine is the one {@code DOCKER_HOST} names
 * ({@code unix:///var/run/docker.sock} unless set). Settings: see {@link Infrastructure}.
 */
public final class DockerLauncher implements Launcher {
    /** Where the image keeps flowcore, its dependencies and the flows. */
    public static final String LIB = "/opt/flowcore/lib";
    /** Where a deployment's code from storage is mounted. */
    public static final String CODE = "/opt/flowcore/code";
    /** The label naming the flow run a container runs. */
    public static final String RUN_LABEL = "io.flowcore.flow-run";

    @Override
    public String type() {
        return "docker";
    }

    @Override
    public void check(Infrastructure spec) {
        DockerSettings.of(spec);
    }

    /** How long a stopped container of a flow run is left before a launch removes it (its worker died). */
    static final Duration LEFTOVER_AGE = Duration.ofMinutes(10);
    /** When this JVM last looked for leftover containers (System.nanoTime); at most one look per LEFTOVER_AGE. */
    private static final java.util.concurrent.atomic.AtomicLong lastSweep = new java.util.concurrent.atomic.AtomicLong();

    @Override
    public LaunchedRun launch(Launch l) throws IOException {
        DockerSettings s = DockerSettings.of(l.spec());
        DockerClient client = client();
        try {
            requireImage(client, s.image());
            long now = System.nanoTime(), last = lastSweep.get();
            if ((last == 0 || now - last > LEFTOVER_AGE.toNanos()) && lastSweep.compareAndSet(last, now)) {
                removeLeftovers(client, LEFTOVER_AGE, java.time.Instant.now());
            }
            String id = create(client, l, s);
            try {
                ContainerRun run = new ContainerRun(client, id, s, l.output());
                run.start();
                return run;
            } catch (RuntimeException | InterruptedException e) {
                ContainerRun.remove(client, id);
                if (e instanceof InterruptedException) Thread.currentThread().interrupt();
                throw new IOException("cannot start a container of " + s.image() + ": " + e.getMessage(), e);
            }
        } catch (IOException | RuntimeException e) {
            client.close();
            throw e;
        }
    }

    /**
     * Removes the containers of flow runs that stopped more than {@code age} before {@code now}. A worker removes
     * its run's container as soon as it has the exit code; one that died first (kill -9, a lost machine) leaves
     * it stopped, and the next launch on the same Docker engine clears it. Containers still running, created but
     * not started yet (another worker's launch in progress), or without the run label are left alone.
     *
     * @return how many it removed
     */
    static int removeLeftovers(DockerClient client, Duration age, java.time.Instant now) {
        int removed = 0;
        try {
            for (var c : client.listContainersCmd().withShowAll(true).withLabelFilter(List.of(RUN_LABEL))
                    .withStatusFilter(List.of("exited", "dead")).exec()) {
                String finished = client.inspectContainerCmd(c.getId()).exec().getState().getFinishedAt();
                if (finished == null || !java.time.Instant.parse(finished).isBefore(now.minus(age))) continue;
                ContainerRun.remove(client, c.getId());
                removed++;
            }
        } catch (RuntimeException e) {
            // tidying up is best effort: a launch must not fail because of it
            org.slf4j.LoggerFactory.getLogger(DockerLauncher.class).warn("could not look for containers left by "
                    + "workers that died: {}", e.toString());
        }
        return removed;
    }

    /** A client of the engine {@code DOCKER_HOST} names; closed by the run (or here when the launch fails). */
    static DockerClient client() {
        DockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder().build();
        var http = new ApacheDockerHttpClient.Builder().dockerHost(config.getDockerHost())
                .sslConfig(config.getSSLConfig()).connectionTimeout(Duration.ofSeconds(10)).build();
        return DockerClientImpl.getInstance(config, http);
    }

    private static void requireImage(DockerClient client, String image) throws IOException {
        try {
            client.inspectImageCmd(image).exec();
        } catch (NotFoundException e) {
            throw new IllegalArgumentException("image " + image + " is not present on this Docker engine and cannot be "
                    + "pulled here; build it with `bash docker/examples/build.sh` (local/flowcore-examples) or, for "
                    + "an image of your own, `docker build` FROM local/flowcore-jdk with your jars in " + LIB);
        } catch (RuntimeException e) {
            throw new IOException("cannot reach the Docker engine at " + endpoint() + " (start dockerd, or set "
                    + "DOCKER_HOST): " + e.getMessage(), e);
        }
    }

    private static String endpoint() {
        String host = System.getenv("DOCKER_HOST");
        return host == null || host.isBlank() ? "unix:///var/run/docker.sock" : host;
    }

    private static String create(DockerClient client, Launch l, DockerSettings s) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add("java");
        cmd.add("--enable-native-access=ALL-UNNAMED"); // SQLite's driver: no JDK warning in every run's log
        cmd.addAll(s.jvmOptions());
        cmd.add("-cp");
        cmd.add(LIB + "/*:" + CODE + "/*");
        cmd.add(l.mainClass());
        cmd.addAll(l.args());
        Map<String, String> env = new LinkedHashMap<>(l.environment());
        env.putAll(s.env());
        List<Bind> binds = new ArrayList<>();
        String home = l.environment().get("FLOWCORE_HOME");
        if (home != null) binds.add(bind(home, home, false));
        for (Path jar : l.codeJars()) {
            binds.add(bind(jar.toAbsolutePath().toString(), CODE + "/" + jar.getFileName(), true));
        }
        for (DockerSettings.Volume v : s.volumes()) binds.add(bind(v.host(), v.container(), v.readOnly()));
        HostConfig host = HostConfig.newHostConfig().withNetworkMode(s.network()).withBinds(binds)
                .withMemory(s.memory()).withMemorySwap(s.memory()) // swap counts against the limit: no swapping past it
                .withNanoCPUs(s.nanoCpus());
        String name = name(l.run().name(), l.run().id());
        Map<String, String> labels = Map.of(RUN_LABEL, l.run().id().toString(),
                "io.flowcore.deployment", l.deployment().fullName());
        for (int attempt = 0; ; attempt++) {
            try {
                var c = client.createContainerCmd(s.image()).withName(attempt == 0 ? name : name + "-" + attempt)
                        .withCmd(cmd).withEnv(env.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList())
                        .withLabels(labels).withHostConfig(host);
                String user = owner(home);
                if (user != null) c.withUser(user);
                return c.exec().getId();
            } catch (ConflictException e) {
                // a container of an earlier attempt at this run (e.g. a worker that died) still has the name
                if (attempt == 5) throw new IOException("cannot create a container named " + name + ": " + e.getMessage(), e);
            } catch (RuntimeException e) {
                throw new IOException("cannot create a container of " + s.image() + ": " + e.getMessage(), e);
            }
        }
    }

    private static Bind bind(String host, String container, boolean readOnly) {
        return new Bind(host, new com.github.dockerjava.api.model.Volume(container), readOnly ? AccessMode.ro : AccessMode.rw);
    }

    /**
     * {@code uid:gid} of the store's home folder when it is not root's: the container then writes there as
     * the worker's user does (else the files it creates would belong to root).
     */
    private static String owner(String home) {
        if (home == null) return null;
        try {
            Path h = Path.of(home);
            int uid = (Integer) Files.getAttribute(h, "unix:uid");
            int gid = (Integer) Files.getAttribute(h, "unix:gid");
            return uid == 0 ? null : uid + ":" + gid;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return null;
        }
    }

    /** {@code flowcore-<run name>-<first 8 of its id>}, in the characters Docker allows. */
    static String name(String runName, UUID id) {
        String n = runName == null ? "run" : runName.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_.-]+", "-");
        if (n.length() > 40) n = n.substring(0, 40);
        return "flowcore-" + n + "-" + id.toString().substring(0, 8);
    }
}
