package io.flowcore.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.options.AriaRole;
import io.flowcore.engine.Flowcore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The page of a run with 10,000 task runs in Chromium: it loads, its graph is summarised, its task table and
 * log are bounded, and its live log gets to the run's end. The times are printed (a figure, not a limit):
 * {@code run-page task_runs=… load_ms=… logs_done_ms=… log_lines=… task_rows=…}.
 */
class LargeRunPageBrowserTests {
    static final int TASKS = 10_000;

    @TempDir
    Path home;

    @Test
    void aRunWithTenThousandTaskRunsHasAUsablePage() {
        if (!Files.isExecutable(DashboardBrowserTests.CHROMIUM)) {
            String hint = DashboardBrowserTests.CHROMIUM + " is missing: apt-get install chromium (.ci/test-infra.sh installs it)";
            if (io.flowcore.engine.testing.TestInfra.required()) Assertions.fail(hint);
            Assumptions.abort(hint);
        }
        try (Flowcore fc = Flowcore.create(cfg -> cfg.home(home).notificationPolling(Duration.ZERO));
             FlowcoreServer server = FlowcoreServer.start(fc, ServerOptions.defaults().withPort(0));
             Playwright playwright = Playwright.create(new Playwright.CreateOptions()
                     .setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
             Browser browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
                     .setExecutablePath(DashboardBrowserTests.CHROMIUM).setHeadless(true))) {
            String key = new ApiKeys(fc.apiKeys(), java.time.InstantSource.system()).create(Role.READ).key();
            UUID id = fc.execute(TestFlows.class, f -> f.wide(TASKS)).id();
            assertEquals(TASKS, fc.history().taskRuns(id).size());
            int logLines = fc.history().logs(id).size();

            Page page = browser.newContext().newPage();
            page.setDefaultTimeout(30_000);
            page.navigate(server.url() + "/login");
            page.locator("input[name=key]").fill(key);
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Log in")).click();
            page.waitForURL("**/runs");

            long start = System.nanoTime();
            page.navigate(server.url() + "/runs/" + id); // returns at the load event
            long loadMs = (System.nanoTime() - start) / 1_000_000;
            page.locator("#log-status:has-text('run ended')").waitFor();
            long logsMs = (System.nanoTime() - start) / 1_000_000;

            assertTrue(page.locator(".graph-summary").textContent().contains(TASKS + " task runs"));
            int taskRows = page.locator("#task-runs tr").count() - 1; // less the header
            assertEquals(1000, taskRows, "the task table shows the first 1,000");
            assertEquals(logLines, page.locator("#logs .log-line").count(), "every log line arrived");
            System.out.printf("run-page task_runs=%d load_ms=%d logs_done_ms=%d log_lines=%d task_rows=%d%n",
                    TASKS, loadMs, logsMs, logLines, taskRows);
        }
    }
}
