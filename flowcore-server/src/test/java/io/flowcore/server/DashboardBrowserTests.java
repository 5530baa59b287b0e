package io.flowcore.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.options.AriaRole;
import io.flowcore.api.deployment.Deployment;
import io.flowcore.api.run.FlowRunQuery;
import io.flowcore.api.state.StateType;
import io.flowcore.engine.FlowRun;
import io.flowcore.engine.Flowcore;
import io.flowcore.engine.testing.TestInfra;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard in headless Chromium (Debian's package), driven by Playwright: one browser for the class,
 * a fresh context (cookies) per test. Assertions are on the page's text, never on pixels.
 */
@DisplayName("dashboard in a real browser")
class DashboardBrowserTests {
    static final Path CHROMIUM = Path.of("/usr/lib/chromium/chromium");
    static final String XSS = "<script>alert(1)</script>";

    @TempDir
    static Path home;
    static Flowcore fc;
    static FlowcoreServer server;
    static Playwright playwright;
    static Browser browser;
    static String adminKey;
    static String readKey;
    static UUID etlRun;
    static UUID failedRun;
    static UUID xssRun;

    BrowserContext context;
    Page page;
    final List<String> dialogs = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() {
        if (!Files.isExecutable(CHROMIUM)) {
            String hint = CHROMIUM + " is missing: apt-get install chromium (.ci/test-infra.sh installs it)";
            if (TestInfra.required()) Assertions.fail(hint + " (required because CI=true or FLOWCORE_REQUIRE_INFRA=1)");
            Assumptions.abort(hint);
        }
        fc = Flowcore.create(cfg -> cfg.home(home).notificationPolling(Duration.ZERO));
        server = FlowcoreServer.start(fc, ServerOptions.defaults().withPort(0));
        ApiKeys keys = new ApiKeys(fc.apiKeys(), java.time.InstantSource.system());
        adminKey = keys.create(Role.ADMIN).key();
        readKey = keys.create(Role.READ).key();
        etlRun = fc.execute(TestFlows.class, f -> f.etl(3, "first")).id();
        failedRun = fc.executeVoid(TestFlows.class, f -> f.boom("disk full")).id();
        xssRun = fc.execute(TestFlows.class, f -> f.named(XSS)).id();
        fc.deployments().apply(Deployment.of(TestFlows.class, "etl", "monthly")
                .withParameters(Map.of("month", 1, "label", "default")));
        playwright = Playwright.create(new Playwright.CreateOptions()
                .setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        browser = playwright.chromium().launch(new BrowserType.LaunchOptions().setExecutablePath(CHROMIUM)
                .setHeadless(true));
    }

    @AfterAll
    static void stop() {
        if (browser != null) browser.close();
        if (playwright != null) playwright.close();
        if (server != null) server.close();
        if (fc != null) fc.close();
    }

    @BeforeEach
    void openPage() {
        context = browser.newContext();
        context.setDefaultTimeout(15_000);
        page = context.newPage();
        page.onDialog(d -> {
            dialogs.add(d.message());
            d.dismiss();
        });
    }

    @AfterEach
    void closePage() {
        context.close();
    }

    private void login(String key) {
        page.navigate(server.url() + "/runs");
        assertTrue(page.url().endsWith("/login"), page.url());
        page.locator("input[name=key]").fill(key);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Log in")).click();
        page.waitForURL("**/runs");
    }

    @Test
    void aWrongKeyDoesNotLogIn() {
        page.navigate(server.url() + "/login");
        page.locator("input[name=key]").fill("fck_0123456789abcdef.nope");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Log in")).click();
        assertTrue(page.locator(".error").textContent().contains("not valid"));
        page.navigate(server.url() + "/runs");
        assertTrue(page.url().endsWith("/login"));
    }

    @Test
    void filtersTheRunsByFailedOpensOneAndSeesItsGraphAndLogs() {
        login(readKey);
        Locator rows = page.locator("tr.run");
        assertEquals(3, rows.count());
        // the last 24 hours: 24 bars of an hour; one run Failed, two Completed
        Locator bars = page.locator(".timeline .bar");
        assertEquals(24, bars.count());
        assertTrue(page.locator(".timeline figcaption").textContent().startsWith("3 runs created in the last 24 hours"));
        assertEquals(1, page.locator(".timeline .seg.state-failed").count());
        assertTrue(page.locator(".timeline .bar:has(.seg.state-failed)").getAttribute("title").contains("1 Failed"),
                page.locator(".timeline .bar:has(.seg.state-failed)").getAttribute("title"));
        assertTrue(page.locator(".timeline .seg.state-failed").boundingBox().height > 0, "the segment is drawn");
        page.locator("#state-filter").selectOption("Failed");
        page.waitForNavigation(() -> page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Filter")).click());
        assertTrue(page.url().contains("state=Failed"), page.url());
        assertEquals(1, rows.count());
        assertTrue(rows.first().textContent().contains("boom"));
        assertTrue(rows.first().locator(".state-failed").isVisible());

        rows.first().locator("a").click();
        page.waitForURL("**/runs/" + failedRun);
        assertTrue(page.locator("#parameters").textContent().contains("disk full"));
        page.locator("#logs .log-line").first().waitFor();
        assertTrue(page.locator("#logs").textContent().contains("about to fail: disk full"));
        page.locator("#log-status:has-text('run ended')").waitFor();

        page.navigate(server.url() + "/runs/" + etlRun);
        assertEquals(3, page.locator("#graph svg g.node").count());
        assertEquals(2, page.locator("#graph svg line.edge").count());
        assertTrue(page.locator("#task-runs").textContent().contains("join-0"));
        page.locator("#logs .log-line >> text=label: first").waitFor();
    }

    @Test
    void aKeyOfAnotherWorkspaceSeesItsNameInTheHeaderAndOnlyItsOwnRunsAndLogs() {
        server.workspaces().create("team-a");
        Flowcore teamA = server.workspaces().engine("team-a");
        UUID own = teamA.execute(TestFlows.class, f -> f.etl(5, "team-a line")).id();
        login(new ApiKeys(fc.apiKeys(), java.time.InstantSource.system()).create("team-a", Role.READ).key());
        assertEquals("team-a", page.locator("#workspace").textContent());
        assertEquals(1, page.locator("tr.run").count());
        page.locator("tr.run a").first().click();
        page.waitForURL("**/runs/" + own);
        page.locator("#logs .log-line >> text=label: team-a line").waitFor();
        page.navigate(server.url() + "/runs/" + etlRun);
        assertTrue(page.locator("#error").textContent().contains("no flow run"));
    }

    @Test
    void backfillsAScheduledDeploymentFromItsPagePreviewFirst() {
        server.workspaces().create("ops"); // runs of its own: the other tests count the default workspace's
        Flowcore ops = server.workspaces().engine("ops");
        ops.deployments().apply(Deployment.of(TestFlows.class, "etl", "nightly").withParameters(Map.of("month", 1, "label", "n"))
                .withSchedules(io.flowcore.api.deployment.Schedule.cron("0 5 * * *")));
        login(new ApiKeys(fc.apiKeys(), java.time.InstantSource.system()).create("ops", Role.RUN).key());
        page.navigate(server.url() + "/deployments/etl/nightly");
        page.locator("#backfill-from").fill("2021-01-01");
        page.locator("#backfill-to").fill("2021-01-03");
        page.waitForNavigation(() -> page.locator("#backfill-preview").click());
        assertEquals("3 instants: a preview, nothing was created", page.locator("#backfill-summary").textContent());
        assertEquals(3, page.locator("table.backfill tbody tr").count());
        assertTrue(page.locator("table.backfill tbody tr").first().textContent().contains("2021-01-01T05:00Z"));
        assertEquals(0, backfilled(ops));

        assertEquals("2021-01-03", page.locator("#backfill-to").inputValue(), "the form keeps the days");
        page.waitForNavigation(() -> page.locator("#backfill-create").click());
        assertEquals("3 instants: 3 runs created, 0 had a run already", page.locator("#backfill-summary").textContent());
        assertEquals(3, backfilled(ops));
        page.waitForNavigation(() -> page.locator("#backfill-create").click());
        assertEquals("3 instants: 0 runs created, 3 had a run already", page.locator("#backfill-summary").textContent());
        page.locator("#backfill-from").fill("");
        page.waitForNavigation(() -> page.locator("#backfill-preview").click());
        assertTrue(page.locator("#backfill-error").textContent().contains("'from' is required"));
        assertEquals(3, backfilled(ops));
    }

    /** Runs scheduled in 2021 (applying the deployment also planned its next runs, from now on). */
    private static long backfilled(Flowcore ws) {
        return ws.history().flowRuns(FlowRunQuery.all()).stream()
                .filter(r -> r.state().scheduledTime() != null && r.state().scheduledTime().toString().startsWith("2021-"))
                .count();
    }

    @Test
    void createsABlockFromItsTypesFormAndEditsItWithoutSeeingOrLosingItsSecret() {
        login(adminKey);
        page.navigate(server.url() + "/blocks");
        page.locator("#new-block").click();
        page.locator("a:text-is('test-database')").click();
        page.locator("#block-name").fill("form-db");
        page.locator("input[name='f.url']").fill("jdbc:form");
        page.locator("input[name='f.user']").fill("alice");
        page.locator("input[name='f.password']").fill("pw-form-1");
        page.locator("input[name='f.token']").fill("tok-form-1");
        page.waitForNavigation(() -> page.locator("#save-block").click());
        assertTrue(page.url().contains("/blocks"), page.url());
        assertTrue(page.locator("#form-db").textContent().contains("alice"));
        assertFalse(page.content().contains("pw-form-1"), "the secret is never shown");

        page.locator("#form-db a.edit").click();
        assertEquals("alice", page.locator("input[name='f.user']").inputValue());
        assertEquals("", page.locator("input[name='f.password']").inputValue(), "a secret is not sent to the page");
        assertFalse(page.content().contains("pw-form-1"));
        page.locator("input[name='f.user']").fill("bob");
        page.waitForNavigation(() -> page.locator("#save-block").click());
        var db = fc.blocks().load("form-db", io.flowcore.engine.TestBlocks.TestDatabase.class);
        assertEquals("bob", db.user());
        assertEquals("pw-form-1", db.password().reveal(), "an empty secret field keeps the secret");

        page.navigate(server.url() + "/blocks/new?type=test-database");
        page.locator("#block-name").fill("form-db");
        page.waitForNavigation(() -> page.locator("#save-block").click());
        assertTrue(page.locator("#block-error").textContent().contains("exists already"));
        assertEquals("bob", fc.blocks().load("form-db", io.flowcore.engine.TestBlocks.TestDatabase.class).user());
    }

    @Test
    void createsANotificationRuleFromTheFormAndPausesIt() {
        fc.blocks().save("form-ops", new TestNotifiers.RecordingNotifier("#ops"), true);
        login(adminKey);
        page.navigate(server.url() + "/notifications");
        page.locator("#new-rule").click();
        page.locator("#rule-name").fill("form-rule");
        page.locator("#rule-notifier").selectOption("form-ops");
        page.locator("#rule-states").fill("Failed, Crashed");
        page.locator("#rule-tags").fill("prod");
        page.waitForNavigation(() -> page.locator("#save-rule").click());
        assertTrue(page.locator("#rule-form-rule").textContent().contains("form-ops"));
        var rule = fc.notifications().rule("form-rule").orElseThrow();
        assertEquals(java.util.Set.of("Failed", "Crashed"), rule.states());
        assertEquals(java.util.Set.of("prod"), rule.tags());

        page.locator("#rule-form-rule a").click();
        assertEquals("Crashed, Failed", page.locator("#rule-states").inputValue());
        page.locator("#rule-paused").selectOption("yes");
        page.locator("#rule-states").fill("");
        page.waitForNavigation(() -> page.locator("#save-rule").click());
        assertTrue(page.locator("#rule-error").textContent().contains("names no state"), "a rule needs a state");
        assertFalse(fc.notifications().rule("form-rule").orElseThrow().paused(), "nothing was saved");
        page.locator("#rule-states").fill("Failed");
        page.waitForNavigation(() -> page.locator("#save-rule").click());
        assertTrue(fc.notifications().rule("form-rule").orElseThrow().paused());
        assertEquals(java.util.Set.of("Failed"), fc.notifications().rule("form-rule").orElseThrow().states());
    }

    @Test
    void pausesAndResumesADeploymentAndItsQueueWithTheirButtons() {
        fc.deployments().apply(Deployment.of(TestFlows.class, "etl", "buttons").withParameters(Map.of("month", 1, "label", "b"))
                .withWorkQueue("buttons-queue"));
        login(adminKey);
        page.navigate(server.url() + "/deployments/etl/buttons");
        page.waitForNavigation(() -> page.locator("#pause-deployment").click());
        assertTrue(page.locator("#deployment-paused").textContent().startsWith("Paused"));
        assertTrue(fc.deployments().isPaused("etl/buttons"));
        page.waitForNavigation(() -> page.locator("#resume-deployment").click());
        assertEquals("Active.", page.locator("#deployment-paused").textContent());
        assertFalse(fc.deployments().isPaused("etl/buttons"));

        page.navigate(server.url() + "/work-queues");
        page.waitForNavigation(() -> page.locator("#queue-buttons-queue button").click());
        assertTrue(fc.workQueues().get("buttons-queue").orElseThrow().paused());
        assertEquals("Resume", page.locator("#queue-buttons-queue button").textContent());
        page.waitForNavigation(() -> page.locator("#queue-buttons-queue button").click());
        assertFalse(fc.workQueues().get("buttons-queue").orElseThrow().paused());
    }

    @Test
    void searchesRunsByName() {
        login(readKey);
        page.navigate(server.url() + "/runs?name=" + java.net.URLEncoder.encode("alert(1)", java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(1, page.locator("tr.run").count());
    }

    @Test
    void showsScriptInARunNameParameterAndLogLineAsTextWithoutRunningIt() {
        login(readKey);
        assertTrue(page.locator("tr.run a").allTextContents().contains(XSS));
        page.navigate(server.url() + "/runs/" + xssRun);
        assertEquals(XSS, page.locator("#run-name").textContent());
        assertTrue(page.locator("#parameters").textContent().contains(XSS));
        page.locator("#logs .log-line >> text=log line: " + XSS).waitFor();
        assertTrue(page.locator("#run-name").isVisible());
        assertEquals(List.of(), dialogs);
        assertEquals(0, page.locator("main script").count());
    }

    @Test
    void startsADeploymentRunFromTheFormAndShowsAValidationError() {
        login(adminKey);
        page.navigate(server.url() + "/deployments");
        page.locator("a:has-text('etl/monthly')").click();
        page.waitForURL("**/deployments/etl/monthly");
        assertEquals("1", page.locator("input[name='p.month']").inputValue());

        page.locator("input[name='p.month']").fill("13");
        page.locator("#run").click();
        assertTrue(page.locator("#run-error").textContent().contains("parameter 'month' = 13"),
                page.locator("#run-error").textContent());
        assertEquals("13", page.locator("input[name='p.month']").inputValue());

        page.locator("input[name='p.month']").fill("5");
        page.locator("input[name='p.label']").fill("from the form");
        page.locator("#run").click();
        page.waitForURL("**/runs/*");
        assertTrue(page.locator("#parameters").textContent().contains("from the form"));
        assertTrue(page.locator("#run-state").textContent().contains("Scheduled"));
        assertEquals(1, fc.history().flowRuns(FlowRunQuery.all().deployment("etl/monthly")).size());
    }

    @Test
    void cancelsARunningRunWithTheCancelButton() throws Exception {
        TestFlows.heldStarted = new CountDownLatch(1);
        ExecutorService exec = Executors.newVirtualThreadPerTaskExecutor();
        try {
            Future<FlowRun<Void>> held = exec.submit(() -> fc.executeVoid(TestFlows.class, TestFlows::held));
            assertTrue(TestFlows.heldStarted.await(30, TimeUnit.SECONDS));
            UUID id = fc.history().flowRuns(FlowRunQuery.all().flow("held").inStates(StateType.RUNNING)).getFirst().id();
            login(adminKey);
            page.navigate(server.url() + "/runs/" + id);
            assertTrue(page.locator("#run-state").textContent().contains("Running"));
            page.locator("#logs .log-line >> text=holding").waitFor();
            page.locator("#cancel").click();
            assertEquals(StateType.CANCELLED, held.get(30, TimeUnit.SECONDS).state().type());
            page.navigate(server.url() + "/runs/" + id);
            assertTrue(page.locator("#run-state").textContent().contains("Cancelled"));
            assertFalse(page.locator("#cancel").isVisible());
        } finally {
            exec.shutdownNow();
        }
    }

    @Test
    void aPageTailingLogsReconnectsAfterTheServerRestartsAndMissesNoLine() throws Exception {
        TestFlows.relayStarted = new CountDownLatch(1);
        TestFlows.relayGo = new CountDownLatch(1);
        ExecutorService exec = Executors.newVirtualThreadPerTaskExecutor();
        FlowcoreServer own = FlowcoreServer.start(fc, ServerOptions.defaults().withPort(0)); // restarted below
        try {
            Future<FlowRun<Void>> relayed = exec.submit(() -> fc.executeVoid(TestFlows.class, TestFlows::relayed));
            assertTrue(TestFlows.relayStarted.await(30, TimeUnit.SECONDS));
            UUID id = fc.history().flowRuns(FlowRunQuery.all().flow("relayed").inStates(StateType.RUNNING)).getFirst().id();
            page.navigate(own.url() + "/login");
            page.locator("input[name=key]").fill(readKey);
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Log in")).click();
            page.waitForURL("**/runs");
            page.navigate(own.url() + "/runs/" + id);
            page.locator("#logs .log-line >> text=before the restart").waitFor();
            page.locator("#log-status:has-text('live')").waitFor();

            int port = own.port();
            own.close();
            page.locator("#log-status:has-text('reconnecting')").waitFor();
            own = FlowcoreServer.start(fc, ServerOptions.defaults().withPort(port));
            TestFlows.relayGo.countDown();
            assertEquals(StateType.COMPLETED, relayed.get(30, TimeUnit.SECONDS).state().type());

            page.locator("#logs .log-line >> text=after the restart").waitFor();
            page.locator("#log-status:has-text('run ended')").waitFor();
            assertEquals(1, page.locator("#logs .log-line >> text=before the restart").count(),
                    "the stream resumed after the last line the page had");
        } finally {
            TestFlows.relayGo.countDown();
            own.close();
            exec.shutdownNow();
        }
    }

    @Test
    void aReadKeysSessionCannotCancel() throws Exception {
        login(readKey);
        page.navigate(server.url() + "/runs/" + etlRun);
        // forge the form a run key would see: the server still refuses it for this session's role
        page.evaluate("id => { const f = document.createElement('form'); f.method = 'post'; "
                + "f.action = '/runs/' + id + '/cancel'; document.body.appendChild(f); f.submit(); }", etlRun.toString());
        page.waitForURL("**/cancel");
        assertTrue(page.locator("#error").textContent().contains("run role"), page.content());
    }
}
