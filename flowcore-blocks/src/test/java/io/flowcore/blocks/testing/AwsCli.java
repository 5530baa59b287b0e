package io.flowcore.blocks.testing;

import io.flowcore.engine.testing.TestInfra;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Debian's awscli (FLOWCORE_AWS_CLI) against the S3 test server: an independent client for read-backs. */
public final class AwsCli {
    private final String cli = TestInfra.require("FLOWCORE_AWS_CLI");
    private final String endpoint = TestInfra.require("FLOWCORE_S3_ENDPOINT");
    private final String key = TestInfra.require("FLOWCORE_S3_ACCESS_KEY");
    private final String secret = TestInfra.require("FLOWCORE_S3_SECRET_KEY");
    private final String region = TestInfra.require("FLOWCORE_S3_REGION");

    /** Runs {@code aws --endpoint-url <endpoint> <args>} and returns its stdout; fails on a non-zero exit. */
    public String run(String... args) {
        List<String> cmd = new ArrayList<>(List.of(cli, "--endpoint-url", endpoint, "--no-cli-pager"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("AWS_ACCESS_KEY_ID", key);
        pb.environment().put("AWS_SECRET_ACCESS_KEY", secret);
        pb.environment().put("AWS_DEFAULT_REGION", region);
        try {
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS)) throw new IllegalStateException("aws cli timed out: " + cmd);
            if (p.exitValue() != 0) throw new IllegalStateException("aws cli exited " + p.exitValue() + ": " + cmd + "\n" + out);
            return out;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
