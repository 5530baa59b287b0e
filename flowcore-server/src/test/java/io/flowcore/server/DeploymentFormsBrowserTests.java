package io.flowcore.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.options.AriaRole;
import io.flowcore.api.deployment.DeploymentRecord;
import io.flowcore.engine.Flowcore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The New deployment and Edit forms in Chromium (Debian's package), driven by Playwright. */
@DisplayName("deployment forms in a real browser")
class DeploymentFormsBrowserTests {
    /** Would end the textarea and run a script if the form did not escape it. */
    static final String BREAKOUT = "</textarea><script>alert(1)</script>";

    @TempDir
    Path home;

    @Test
    void createsADeploymentFromTheFormSeesItListedEditsItAndSeesTheErrorOfABadOne() throws Exception {
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
            String key = new ApiKeys(fc.apiKeys(), java.time.InstantSource.system()).create(Role.ADMIN).key();
            Page page = browser.newContext().newPage();
            page.setDefaultTimeout(15_000);
            List<String> dialogs = new CopyOnWriteArrayList<>();
            page.onDialog(d -> {
                dialogs.add(d.message());
                d.dismiss();
            });
            page.navigate(server.url() + "/login");
            page.locator("input[name=key]").fill(key);
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Log in")).click();
            page.waitForURL("**/runs");

            page.navigate(server.url() + "/deployments");
            page.locator("#new-deployment").click();
            page.locator("#deployment-definition").fill("""
                    name: form-made
                    flowClass: %s
                    flowMethod: etl
                    parameters: {month: 4, label: from-the-form}
                    workQueue: form-queue
                    description: "%s"
                    schedules:
                      - interval: 1d
                    """.formatted(TestFlows.class.getName(), BREAKOUT));
            page.waitForNavigation(() -> page.locator("#save-deployment").click());
            assertTrue(page.url().endsWith("/deployments/etl/form-made"), page.url());
            DeploymentRecord v1 = fc.deployments().get("etl/form-made").orElseThrow();
            assertEquals("form-queue", v1.workQueue());
            assertEquals(BREAKOUT, v1.description());
            page.navigate(server.url() + "/deployments");
            assertTrue(page.locator("a:text-is('etl/form-made')").isVisible(), page.content());

            // Edit: the form holds the current version; a change makes version 2
            page.locator("a:text-is('etl/form-made')").click();
            page.locator("#edit-deployment").click();
            String current = page.locator("#deployment-definition").inputValue();
            JsonNode shown = Views.MAPPER.readTree(current);
            assertEquals("form-made", shown.path("name").asText(), current);
            assertEquals(BREAKOUT, shown.path("description").asText(), "escaped in the page, intact in the form");
            assertEquals(4, shown.path("parameters").path("month").asInt());
            ((ObjectNode) shown).put("workQueue", "form-queue-2");
            page.locator("#deployment-definition").fill(shown.toString());
            page.waitForNavigation(() -> page.locator("#save-deployment").click());
            assertTrue(page.url().endsWith("/deployments/etl/form-made"), page.url());
            assertEquals(2, fc.deployments().get("etl/form-made").orElseThrow().version());
            assertEquals("form-queue-2", fc.deployments().get("etl/form-made").orElseThrow().workQueue());

            // A bad one: the error names the field, the text stays in the form, nothing is stored
            page.navigate(server.url() + "/deployments/new");
            String bad = "name: form-bad\nflowClass: " + TestFlows.class.getName() + "\nflowMethod: etl\nshedules: []\n";
            page.locator("#deployment-definition").fill(bad);
            page.waitForNavigation(() -> page.locator("#save-deployment").click());
            String error = page.locator("#deployment-error").textContent();
            assertTrue(error.contains("deployment: unknown field 'shedules'"), error);
            assertEquals(bad, page.locator("#deployment-definition").inputValue());
            assertTrue(fc.deployments().get("etl/form-bad").isEmpty());

            // Editing cannot turn one deployment into another
            page.navigate(server.url() + "/deployments/etl/form-made/edit");
            page.locator("#deployment-definition").fill(((ObjectNode) shown.deepCopy()).put("name", "renamed").toString());
            page.waitForNavigation(() -> page.locator("#save-deployment").click());
            assertTrue(page.locator("#deployment-error").textContent().contains("this form edits 'form-made'"));
            assertTrue(fc.deployments().get("etl/renamed").isEmpty());
            assertEquals(List.of(), dialogs, "no script from a value ran");
        }
    }
}
