package io.flowcore.docker;

import io.flowcore.api.Flow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The flows the docker tests run in containers (the test image has this class). */
public class ContainerFlows {
    @Flow(name = "container-hello")
    public String hello(String who) {
        System.out.println("hello " + who + " from a container");
        System.err.println("a line on stderr");
        return "hello " + who;
    }

    /** Says it started by creating {@code folder/started}, then waits until {@code folder/release} exists. */
    @Flow(name = "container-waits")
    public String waits(String folder) throws Exception {
        Path dir = Path.of(folder);
        Files.createFile(dir.resolve("started"));
        System.out.println("waiting for " + dir.resolve("release"));
        while (!Files.exists(dir.resolve("release"))) Thread.sleep(20);
        return "released";
    }

    /** Keeps allocating (and so touching) memory until something stops it. */
    @Flow(name = "container-hungry")
    public int hungry() {
        List<byte[]> kept = new ArrayList<>();
        while (true) {
            kept.add(new byte[8 << 20]);
            if (kept.size() % 8 == 0) System.out.println("holding " + kept.size() * 8 + " MiB");
        }
    }
}
