package io.flowcore.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("FlowcoreHome: where the flowcore home is")
class FlowcoreHomeTests {
    static Properties properties(String... keysAndValues) {
        Properties p = new Properties();
        for (int i = 0; i < keysAndValues.length; i += 2) p.setProperty(keysAndValues[i], keysAndValues[i + 1]);
        return p;
    }

    @Test
    void theEnvironmentVariableWinsOverTheSystemPropertyAndTheDefault() {
        Path home = FlowcoreHome.resolve(Map.of("FLOWCORE_HOME", "/srv/env-home"),
                properties("flowcore.home", "/srv/property-home", "user.home", "/home/ann"));

        assertEquals(Path.of("/srv/env-home"), home);
    }

    @Test
    void theSystemPropertyIsUsedWhenTheVariableIsUnset() {
        Path home = FlowcoreHome.resolve(Map.of("OTHER", "x"),
                properties("flowcore.home", "/srv/property-home", "user.home", "/home/ann"));

        assertEquals(Path.of("/srv/property-home"), home);
    }

    @Test
    void withNeitherTheHomeIsDotFlowcoreInTheUsersHome() {
        assertEquals(Path.of("/home/ann", ".flowcore"), FlowcoreHome.resolve(Map.of(), properties("user.home", "/home/ann")));
    }

    @Test
    void blankValuesCountAsUnset() {
        Path home = FlowcoreHome.resolve(Map.of("FLOWCORE_HOME", "  "),
                properties("flowcore.home", "", "user.home", "/home/ann"));

        assertEquals(Path.of("/home/ann", ".flowcore"), home);
    }

    @Test
    void theNoArgumentFormReadsThisProcesssEnvironmentAndProperties() {
        assertEquals(FlowcoreHome.resolve(System.getenv(), System.getProperties()), FlowcoreHome.resolve());
    }
}
