package io.flowcore.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowcore.api.deployment.Infrastructure;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("a docker deployment's settings")
class DockerSettingsTests {
    private static String refused(Infrastructure spec) {
        return assertThrows(IllegalArgumentException.class, () -> new DockerLauncher().check(spec)).getMessage();
    }

    @Test
    void allSettingsAreReadWithTheirUnits() {
        DockerSettings s = DockerSettings.of(Infrastructure.docker("local/flowcore-examples")
                .with("env", Map.of("TZ", "UTC")).with("volumes", List.of("/data/taxi:/data:ro", "/srv/out:/out"))
                .with("memory", "512m").with("cpus", "1.5").with("network", "none").with("stopGrace", "30s")
                .with("jvmOptions", List.of("-Xmx256m")));

        assertEquals("local/flowcore-examples", s.image());
        assertEquals(Map.of("TZ", "UTC"), s.env());
        assertEquals(List.of(new DockerSettings.Volume("/data/taxi", "/data", true),
                new DockerSettings.Volume("/srv/out", "/out", false)), s.volumes());
        assertEquals(512L << 20, s.memory());
        assertEquals(1_500_000_000L, s.nanoCpus());
        assertEquals("none", s.network());
        assertEquals(Duration.ofSeconds(30), s.stopGrace());
        assertEquals(List.of("-Xmx256m"), s.jvmOptions());
    }

    @Test
    void withOnlyAnImageTheContainerSharesTheHostsNetworkWithoutLimits() {
        DockerSettings s = DockerSettings.of(Infrastructure.docker("img"));

        assertEquals("host", s.network());
        assertNull(s.memory());
        assertNull(s.nanoCpus());
        assertEquals(Duration.ofSeconds(10), s.stopGrace());
        assertEquals(List.of(), s.volumes());
    }

    @Test
    void sizesAndDurationsTakeTheUsualForms() {
        assertEquals(2L << 30, DockerSettings.memory("2g"));
        assertEquals(65536L << 10, DockerSettings.memory("65536K"));
        assertEquals(100L << 20, DockerSettings.memory("104857600"));
        assertEquals(Duration.ofMillis(500), DockerSettings.grace("500ms"));
        assertEquals(Duration.ofMinutes(2), DockerSettings.grace("PT2M"));
        assertEquals(500_000_000L, DockerSettings.cpus("0.5"));
    }

    @Test
    void eachWrongSettingIsNamedWithWhatItTakes() {
        Infrastructure img = Infrastructure.docker("img");
        assertEquals("infrastructure docker has no setting 'memroy'; its settings are "
                + "[cpus, env, image, jvmOptions, memory, network, stopGrace, volumes]", refused(img.with("memroy", "1g")));
        assertEquals("infrastructure docker needs the setting 'image' (e.g. local/flowcore-examples)",
                refused(new Infrastructure("docker", Map.of())));
        assertTrue(refused(img.with("memory", "lots")).contains("setting 'memory' is 'lots'; it takes a size such as 512m"));
        assertTrue(refused(img.with("memory", "1m")).contains("Docker needs at least 6m"));
        assertTrue(refused(img.with("cpus", "0")).contains("setting 'cpus' is '0'; it takes a number of CPUs above 0"));
        assertTrue(refused(img.with("cpus", "two")).contains("setting 'cpus' is 'two'"));
        assertTrue(refused(img.with("network", "bridge")).contains("setting 'network' is 'bridge'; it takes host"));
        assertTrue(refused(img.with("stopGrace", "soon")).contains("setting 'stopGrace' is 'soon'"));
        assertTrue(refused(img.with("volumes", List.of("data:/data"))).contains("'data:/data' is not host:container[:ro]"));
        assertTrue(refused(img.with("volumes", List.of("/a:/b:rx"))).contains("'/a:/b:rx' is not host:container[:ro]"));
        assertTrue(refused(img.with("env", "TZ=UTC")).contains("setting 'env' must be a map"));
    }

    @Test
    void aContainerIsNamedAfterItsRunInTheCharactersDockerAllows() {
        UUID id = UUID.fromString("3f2a9c10-0000-4000-8000-000000000000");
        assertEquals("flowcore-brave-tiger-3f2a9c10", DockerLauncher.name("brave-tiger", id));
        assertEquals("flowcore-a-b-c-3f2a9c10", DockerLauncher.name("A b/c", id));
    }
}
