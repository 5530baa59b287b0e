package io.flowcore.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import io.flowcore.api.deployment.Deployment;
import io.flowcore.api.deployment.Infrastructure;
import io.flowcore.api.run.FlowRunRecord;
import io.flowcore.api.run.RunLog;
import io.flowcore.api.state.StateType;
import io.flowcore.engine.Flowcore;
import io.flowcore.engine.Worker;
import io.flowcore.engine.testing.TestInfra;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("a worker runs a docker deployment's flow run in its own container, reporting to PostgreSQL")
@Timeout(180) // a hung container or worker fails its test instead of the whole build
class DockerInfrastructureTests {
    private static final Duration STARTS_WITHIN = Duration.ofSeconds(60);
    private static String image;

    @TempDir
    Path home;
    private TestInfra.PgSchema schema;
    private Flowcore fc;
    private DockerClient docker;

    @BeforeAll
    static void buildImage() throws Exception {
        image = TestImage.get();
    }

    @BeforeEach
    void open() {
        schema = TestInfra.PgSchema.create("flowcore_docker");
        fc = engine();
        docker = TestImage.client();
    }

    /** An engine on the test's store; a short heartbeat so a cancel from another engine is seen soon. */
    private Flowcore engine() {
        return Flowcore.create(cfg -> cfg.home(home).database(schema.url(), schema.pg().user(), schema.pg().password())
                .lease(Duration.ofMillis(200), Duration.ofSeconds(5)));
    }

    @AfterEach
    void close() throws Exception {
        if (fc != null) fc.close();
        if (schema != null) schema.close();
        if (docker != null) docker.close();
    }

    private FlowRunRecord runOnAWorker(String deployment, Map<String, ?> parameters) throws Exception {
        FlowRunRecord run = fc.deployments().run(deployment, parameters);
        try (Worker w = fc.worker(o -> o.noScheduler().pollInterval(Duration.ofMillis(20)))) {
            assertEquals(1, w.runOnce());
        }
        return fc.history().flowRun(run.id()).orElseThrow();
    }

    private List<String> log(UUID run) {
        return fc.history().logs(run).stream().map(RunLog::message).toList();
    }

    private List<Container> containersOf(UUID run) {
        return docker.listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(DockerLauncher.RUN_LABEL, run.toString())).exec();
    }

    @Test
    void aFlowRunCompletesInAContainerAndItsOutputIsInTheRunsLog() throws Exception {
        fc.deployments().apply(Deployment.of(ContainerFlows.class, "hello", "docker")
                .withInfrastructure(Infrastructure.docker(image).with("memory", "512m").with("cpus", "1")));

        FlowRunRecord done = runOnAWorker("container-hello/docker", Map.of("who", "tests"));

        assertEquals(StateType.COMPLETED, done.state().type(), done.state() + " " + log(done.id()));
        List<String> log = log(done.id());
        assertTrue(log.contains("[stdout] hello tests from a container"), log.toString());
        assertTrue(log.contains("[stderr] a line on stderr"), log.toString());
        assertTrue(log.stream().anyMatch(l -> l.startsWith("Started on infrastructure docker (container ")), log.toString());
        assertEquals(List.of(), containersOf(done.id()), "the container is removed once it ended");
    }

    /** Starts a run of container-waits on a worker thread; returns once its flow said it started. */
    private FlowRunRecord startWaiting(Path signals, AtomicReference<Throwable> failure, Thread[] worker) throws Exception {
        fc.deployments().apply(Deployment.of(ContainerFlows.class, "waits", "docker")
                .withInfrastructure(Infrastructure.docker(image).with("stopGrace", "5s")));
        Files.createDirectories(signals);
        FlowRunRecord run = fc.deployments().run("container-waits/docker", Map.of("folder", signals.toString()));
        worker[0] = Thread.ofVirtual().start(() -> {
            try (Worker w = fc.worker(o -> o.noScheduler().pollInterval(Duration.ofMillis(20)))) {
                w.runOnce();
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        // another process signals through a file: there is nothing to wait on but the file itself
        Instant until = Instant.now().plus(STARTS_WITHIN);
        while (!Files.exists(signals.resolve("started"))) {
            assertTrue(Instant.now().isBefore(until), "the flow did not start in its container within " + STARTS_WITHIN
                    + ": " + fc.history().flowRun(run.id()).orElseThrow().state() + " " + log(run.id()));
            assertTrue(worker[0].isAlive(), "the worker ended before the flow started: " + failure.get() + " "
                    + fc.history().flowRun(run.id()).orElseThrow().state());
            Thread.sleep(50);
        }
        return run;
    }

    @Test
    void cancellingARunStopsItsContainerAndEndsTheRunCancelled() throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread[] worker = new Thread[1];
        FlowRunRecord run = startWaiting(home.resolve("cancel"), failure, worker);

        try (Flowcore other = engine()) { // as `flowcore flow-run cancel` would, from another process
            assertTrue(other.cancel(run.id()));
        }
        worker[0].join(Duration.ofSeconds(60));

        assertEquals(null, failure.get());
        FlowRunRecord done = fc.history().flowRun(run.id()).orElseThrow();
        assertEquals(StateType.CANCELLED, done.state().type(), done.state() + " " + log(run.id()));
        assertTrue(log(run.id()).contains("[stdout] waiting for " + home.resolve("cancel/release")), log(run.id()).toString());
        assertEquals(List.of(), containersOf(run.id()), "the container is removed once it ended");
    }

    @Test
    void aContainerKilledFromOutsideEndsTheRunCrashedWithItsExitCode() throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread[] worker = new Thread[1];
        FlowRunRecord run = startWaiting(home.resolve("kill"), failure, worker);

        List<Container> running = containersOf(run.id());
        assertEquals(1, running.size(), running.toString());
        docker.killContainerCmd(running.get(0).getId()).exec(); // docker kill: SIGKILL
        worker[0].join(Duration.ofSeconds(60));

        assertEquals(null, failure.get());
        FlowRunRecord done = fc.history().flowRun(run.id()).orElseThrow();
        assertEquals(StateType.CRASHED, done.state().type(), done.state().toString());
        assertTrue(done.state().message().contains("exited with code 137, killed (SIGKILL)"), done.state().message());
        assertEquals(List.of(), containersOf(run.id()));
    }

    @Test
    void aContainerOverItsMemoryLimitEndsTheRunCrashedSayingOom() throws Exception {
        fc.deployments().apply(Deployment.of(ContainerFlows.class, "hungry", "docker")
                .withInfrastructure(Infrastructure.docker(image).with("memory", "256m").with("jvmOptions", List.of("-Xmx2g"))));

        FlowRunRecord done = runOnAWorker("container-hungry/docker", Map.of());

        assertEquals(StateType.CRASHED, done.state().type(), done.state().toString());
        assertTrue(done.state().message().contains("exited with code 137, killed for using more than its memory limit (OOM) of 256 MiB"),
                done.state().message());
    }

    @Test
    void anImageThatIsNotOnTheEngineFailsTheRunSayingItCannotBePulledAndHowToBuildIt() throws Exception {
        fc.deployments().apply(Deployment.of(ContainerFlows.class, "hello", "docker")
                .withInfrastructure(Infrastructure.docker("local/flowcore-no-such-image")));

        FlowRunRecord done = runOnAWorker("container-hello/docker", Map.of("who", "nobody"));

        assertEquals(StateType.FAILED, done.state().type(), done.state().toString());
        assertTrue(done.state().message().contains("image local/flowcore-no-such-image is not present on this Docker engine "
                + "and cannot be pulled here; build it with `bash docker/examples/build.sh`"), done.state().message());
    }

    @Test
    void anUnknownSettingIsRefusedWhenTheDeploymentIsApplied() {
        var e = assertThrows(IllegalArgumentException.class, () -> fc.deployments().apply(
                Deployment.of(ContainerFlows.class, "hello", "docker")
                        .withInfrastructure(Infrastructure.docker(image).with("memroy", "1g"))));

        assertTrue(e.getMessage().contains("deployment 'docker': infrastructure docker has no setting 'memroy'; its settings are "
                + "[cpus, env, image, jvmOptions, memory, network, stopGrace, volumes]"), e.getMessage());
        assertEquals(List.of(), fc.deployments().list());
    }
}
