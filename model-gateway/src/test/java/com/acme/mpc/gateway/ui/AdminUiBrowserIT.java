package com.acme.mpc.gateway.ui;

import static com.acme.mpc.gateway.testsupport.PackagedApps.JSON;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.acme.mpc.gateway.testsupport.FakeUpstream;
import com.acme.mpc.gateway.testsupport.PackagedApps;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Download;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.SelectOption;
import com.microsoft.playwright.options.WaitForSelectorState;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The admin UI end to end in a real browser (Debian's chromium driven by Playwright) against the real stack: the
 * packaged gateway and cost-tracker on a throw-away PostgreSQL database, a mock provider and a deployment whose
 * upstream refuses connections. A key is created in the UI and used over HTTP; blocking it in the UI makes the gateway
 * refuse it; Spend, its CSV, Logs and Models show what those calls did. Screenshots of every page go to
 * {@code target/ui-screenshots/} (docs/ui.md's images come from there).
 */
class AdminUiBrowserIT {
    private static final String MASTER = "sk-ui-browser-master";
    private static final Path SHOTS = PackagedApps.MODULE.resolve("target/ui-screenshots");
    /** Calls of the API-created key: more than one page of logs (50 rows), so paging is exercised. */
    private static final int REPORT_CALLS = 50;

    /** Past days of three apps' calls, recorded as the gateway records calls: the per-day chart has a history. */
    private static final int HISTORY_DAYS = 13;

    private static final List<String> HISTORY_APPS = List.of("dify", "activepieces", "langflow");
    private static final int HISTORY_EVENTS = HISTORY_DAYS * HISTORY_APPS.size();
    private static final int BILLING_CALLS = 3;
    /** Calls of billing-app once it is in the team: the team's spend. */
    private static final int TEAM_CALLS = 1;

    private static final int FAILING_CALLS = 2;
    private static final Duration WAIT = Duration.ofSeconds(60);

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<String> consoleErrors = new ArrayList<>();

    /**
     * The chromium to drive: {@code -Dchromium.path}, {@code CHROMIUM_PATH} or Debian's. Absent: skipped, except in CI
     * ({@code CI_STRICT=true}), where the browser test must run.
     */
    static Path chromium() {
        String configured = System.getProperty("chromium.path", System.getenv("CHROMIUM_PATH"));
        Path path = Path.of(configured == null || configured.isBlank() ? "/usr/bin/chromium" : configured);
        if (!Files.isExecutable(path)) {
            String why = path + " is not there: apt-get install chromium (.ci/install-tools.sh does)";
            if ("true".equals(System.getenv("CI_STRICT"))) {
                throw new AssertionError(why);
            }
            assumeTrue(false, why + "; admin UI browser test skipped");
        }
        return path;
    }

    @Test
    void aTeamLeadManagesKeysAndWatchesSpendLogsAndModelsInTheBrowser() throws Exception {
        Path chromium = chromium();
        String missing = PackagedApps.missing();
        if (missing != null && "true".equals(System.getenv("CI_STRICT"))) {
            throw new AssertionError(missing);
        }
        assumeTrue(missing == null, () -> missing + ": admin UI browser test skipped");
        Files.createDirectories(SHOTS);
        try (var old = Files.newDirectoryStream(SHOTS, "*.png")) {
            for (Path shot : old) {
                Files.delete(shot); // the artifacts are this run's pages only
            }
        }
        Path work = Files.createTempDirectory(PackagedApps.MODULE.resolve("target"), "ui-browser-");
        Path config = work.resolve("gateway.yaml");
        Files.writeString(config, """
                model_list:
                  - model_name: ui-chat
                    litellm_params: {model: openai/gpt-4o-mini, mock_response: "Hello from the mock provider."}
                    model_info: {id: ui-chat-1, input_cost_per_token: 0.0000025, output_cost_per_token: 0.00001}
                  - model_name: ui-chat-large
                    litellm_params: {model: openai/gpt-4o, mock_response: "A larger answer.", rpm: 600}
                    model_info: {id: ui-chat-large-1, input_cost_per_token: 0.000005, output_cost_per_token: 0.00002}
                  - model_name: ui-down
                    litellm_params: {model: openai/gpt-4o-mini, api_base: "http://127.0.0.1:%d/v1", api_key: sk-upstream}
                    model_info: {id: ui-down-1}
                router_settings: {allowed_fails: 0, cooldown_time: 600}
                general_settings: {master_key: %s}
                """.formatted(closedPort(), MASTER));
        String db = PackagedApps.createDatabase("gw_ui_browser_");
        int gatewayPort = PackagedApps.freePort();
        int costTrackerPort = PackagedApps.freePort();
        String gateway = "http://127.0.0.1:" + gatewayPort;
        String costTracker = "http://127.0.0.1:" + costTrackerPort;
        Process ct = null;
        Process gw = null;
        try {
            ct = PackagedApps.startCostTracker(costTrackerPort, db, MASTER, work.resolve("cost-tracker.log"));
            gw = PackagedApps.start(
                    PackagedApps.GATEWAY_JAR,
                    Map.of(
                            "CONFIG_FILE_PATH", config.toString(),
                            "QUARKUS_HTTP_PORT", Integer.toString(gatewayPort),
                            "COST_TRACKER_URL", costTracker,
                            "GATEWAY_SPOOL_DIR", work.resolve("spool").toString(),
                            "GATEWAY_COST_TRACKER_FLUSH_INTERVAL", "200ms"),
                    work.resolve("gateway.log"));
            PackagedApps.await(
                    () -> PackagedApps.status(costTracker + "/q/health/ready") == 200,
                    Duration.ofSeconds(90),
                    "cost-tracker start");
            PackagedApps.await(
                    () -> PackagedApps.status(gateway + "/health/liveliness") == 200,
                    Duration.ofSeconds(60),
                    "gateway start");

            // what the UI did not make: past days of three apps, another app's page of calls, a failing deployment
            recordHistory(gateway, costTracker);
            String reportKey = generateKey(gateway, "report-app");
            String oldKey = generateKey(gateway, "old-app");
            for (int i = 0; i < REPORT_CALLS; i++) {
                assertThat(chat(gateway, reportKey, i % 2 == 0 ? "ui-chat" : "ui-chat-large", "report-app")
                                .statusCode())
                        .isEqualTo(200);
            }
            for (int i = 0; i < FAILING_CALLS; i++) {
                assertThat(chat(gateway, MASTER, "ui-down", null).statusCode()).isGreaterThanOrEqualTo(500);
            }

            try (Playwright pw = Playwright.create(
                            new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
                    Browser browser = pw.chromium()
                            .launch(new BrowserType.LaunchOptions()
                                    .setExecutablePath(chromium)
                                    .setHeadless(true)
                                    .setArgs(List.of(
                                            "--headless",
                                            "--no-sandbox",
                                            "--disable-gpu",
                                            "--disable-background-networking",
                                            // containers often have a small /dev/shm
                                            "--disable-dev-shm-usage")));
                    BrowserContext context = browser.newContext(new Browser.NewContextOptions()
                            .setAcceptDownloads(true)
                            .setViewportSize(1400, 900)
                            .setLocale("en-US")
                            .setTimezoneId("UTC"))) {
                context.setDefaultTimeout(20_000);
                context.onPage(p -> {
                    p.onConsoleMessage(m -> {
                        if ("error".equals(m.type())) {
                            consoleErrors.add(m.text());
                        }
                    });
                    p.onPageError(e -> consoleErrors.add("uncaught: " + e));
                });
                Page page = context.newPage();

                signIn(page, gateway);
                String billingKey = createKeyInTheUi(page);
                for (int i = 0; i < BILLING_CALLS; i++) {
                    HttpResponse<String> r = chat(gateway, billingKey, "ui-chat", "billing-app");
                    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                }
                int total = HISTORY_EVENTS + REPORT_CALLS + BILLING_CALLS + FAILING_CALLS;
                PackagedApps.await(() -> logCount(gateway) >= total, WAIT, total + " calls in cost-tracker's logs");
                keysPage(page, gateway, billingKey, oldKey);
                teamsPage(page);
                editUnblockAndRegenerate(page, gateway, billingKey, reportKey);
                PackagedApps.await(
                        () -> logCount(gateway) >= total + 1 + TEAM_CALLS,
                        WAIT,
                        "the old-app and team calls in cost-tracker's logs");
                spendPage(page, gateway);
                logsPage(page, total + 1 + TEAM_CALLS);
                modelsPage(page);
                try (FakeUpstream upstream = new FakeUpstream()
                        .onModel("gpt-4o-mini", FakeUpstream.fixture("fixtures/openai/chat-completion.json"))) {
                    modelsAddedInTheUi(page, gateway, upstream);
                }
                customersPage(page, gateway, billingKey);
                assertThat(consoleErrors).as("console errors").isEmpty();
                rememberMe(page, context, gateway);
                assertThat(consoleErrors).as("console errors").isEmpty();

                PackagedApps.stop(ct);
                costTrackerDown(page);
            }
            assertThat(Files.readString(work.resolve("gateway.log"))).doesNotContain(MASTER);
        } finally {
            PackagedApps.stop(gw);
            PackagedApps.stop(ct);
            PackagedApps.dropDatabase(db);
        }
    }

    /** A wrong key shows an error and nothing else, is stored nowhere; the master key opens the Keys page. */
    private void signIn(Page page, String gateway) {
        page.navigate(gateway + "/ui");
        assertThat(page.url()).isEqualTo(gateway + "/ui/");
        Locator keyField = page.getByLabel("Master key");
        PlaywrightAssertions.assertThat(keyField).isVisible();
        PlaywrightAssertions.assertThat(keyField).isFocused();
        shot(page, "ui-sign-in");
        keyField.fill("sk-not-the-master-key");
        keyField.press("Enter");
        Locator error = page.locator("#sign-in-error");
        PlaywrightAssertions.assertThat(error).isVisible();
        PlaywrightAssertions.assertThat(error).containsText("refused");
        PlaywrightAssertions.assertThat(page.locator("#nav")).isHidden();
        assertThat(page.locator("#view").innerText()).isBlank();
        assertThat(storedKeys(page)).isEqualTo("0/0");
        // the refused check is the browser's own "Failed to load resource: ... 401" line, nothing else
        assertThat(consoleErrors).allSatisfy(e -> assertThat(e).contains("401"));
        consoleErrors.clear();

        keyField.fill(MASTER);
        rerender(
                page,
                "Keys",
                () -> page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in"))
                        .click());
        assertThat(page.url()).endsWith("/ui/#/keys").doesNotContain(MASTER);
        assertThat(storedKeys(page)).as("this tab only, not localStorage").isEqualTo("1/0");
        PlaywrightAssertions.assertThat(page.locator("#sign-in-error")).isHidden();
        for (String link : List.of("Keys", "Teams", "Customers", "Spend", "Logs", "Models")) {
            PlaywrightAssertions.assertThat(
                            nav(page).getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName(link)))
                    .isVisible();
        }
        PlaywrightAssertions.assertThat(page.locator("#view")).containsText("report-app");
        // keyboard: the page's content has the focus, so Tab goes on into it
        assertThat(page.evaluate("() => document.activeElement.id")).isEqualTo("main");
    }

    /** "Create key" with an alias, a budget and a model shows the new key once; returns it. */
    private String createKeyInTheUi(Page page) {
        // by keyboard: Tab reaches "Create key", Enter opens the form with the focus in its first field
        page.keyboard().press("Tab");
        PlaywrightAssertions.assertThat(
                        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create key")))
                .isFocused();
        page.keyboard().press("Enter");
        Locator form = page.locator("form[aria-label='Create key']");
        PlaywrightAssertions.assertThat(form.getByLabel("Key alias")).isFocused();
        form.getByLabel("Key alias").fill("billing-app");
        form.getByLabel("Max budget (USD)").fill("5");
        form.getByLabel("Budget period").selectOption("30d");
        form.getByLabel("Models").fill("ui-chat");
        form.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Create key"))
                .click();
        Locator created =
                page.getByRole(AriaRole.REGION, new Page.GetByRoleOptions().setName("Key \"billing-app\" created"));
        PlaywrightAssertions.assertThat(created).containsText("shown only this once");
        String key = created.getByLabel("New key").inputValue();
        assertThat(key).startsWith("sk-").hasSizeGreaterThan(20);
        PlaywrightAssertions.assertThat(
                        created.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Copy")))
                .isVisible();
        return key;
    }

    /**
     * The new key is listed with its spend against its budget; Block makes the gateway refuse it; Delete asks first
     * and Cancel keeps the key.
     */
    private void keysPage(Page page, String gateway, String billingKey, String oldKey) throws Exception {
        gotoPage(page, "Keys");
        PlaywrightAssertions.assertThat(page.getByRole(AriaRole.REGION)).hasCount(0); // the new key is not shown again
        Locator row = row(page, "billing-app");
        PlaywrightAssertions.assertThat(row).containsText("/ $5.00");
        PlaywrightAssertions.assertThat(row).containsText("ui-chat");
        PlaywrightAssertions.assertThat(row).containsText("Active");
        assertThat(moneyIn(row.locator("td").nth(3).innerText())).isPositive();
        PlaywrightAssertions.assertThat(page.locator("tbody tr")).hasCount(HISTORY_APPS.size() + 3);
        PlaywrightAssertions.assertThat(row(page, "langflow")).containsText("Over budget");
        PlaywrightAssertions.assertThat(row(page, "dify")).containsText("60 rpm");
        shot(page, "ui-keys");

        row.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Block billing-app"))
                .click();
        PlaywrightAssertions.assertThat(row(page, "billing-app")).containsText("Blocked");
        awaitStatus(gateway, billingKey, 401, "the gateway to refuse the blocked key");
        HttpResponse<String> refused = chat(gateway, billingKey, "ui-chat", null);
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(refused.body()).at("/error/message").asText()).contains("blocked");

        row(page, "old-app")
                .getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Delete old-app"))
                .click();
        Locator dialog = page.getByRole(AriaRole.DIALOG);
        PlaywrightAssertions.assertThat(dialog).containsText("Delete old-app?");
        page.keyboard().press("Escape");
        PlaywrightAssertions.assertThat(dialog).hasCount(0);
        row(page, "old-app")
                .getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Delete old-app"))
                .click();
        dialog.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Cancel"))
                .click();
        PlaywrightAssertions.assertThat(dialog).hasCount(0);
        PlaywrightAssertions.assertThat(row(page, "old-app")).isVisible();
        assertThat(chat(gateway, oldKey, "ui-chat", null).statusCode()).isEqualTo(200);
        row(page, "old-app")
                .getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Delete old-app"))
                .click();
        dialog.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Delete"))
                .click();
        PlaywrightAssertions.assertThat(row(page, "old-app")).hasCount(0);
        PlaywrightAssertions.assertThat(page.locator("tbody tr")).hasCount(HISTORY_APPS.size() + 2);
        awaitStatus(gateway, oldKey, 401, "the gateway to refuse the deleted key");
    }

    /** A team is created with a budget, gets a member, and explains that it has no keys yet. */
    private void teamsPage(Page page) {
        gotoPage(page, "Teams");
        PlaywrightAssertions.assertThat(page.locator("#view")).containsText("No teams yet");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create team"))
                .first()
                .click();
        Locator form = page.locator("form[aria-label='Create team']");
        form.getByLabel("Team name").fill("platform");
        form.getByLabel("Max budget (USD)").fill("100");
        form.getByLabel("Requests per minute").fill("600");
        form.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Create team"))
                .click();
        PlaywrightAssertions.assertThat(row(page, "platform")).containsText("/ $100.00");
        PlaywrightAssertions.assertThat(row(page, "platform")).containsText("600 rpm");
        shot(page, "ui-teams");

        rerender(
                page,
                "Team platform",
                () -> row(page, "platform")
                        .getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName("platform"))
                        .click());
        PlaywrightAssertions.assertThat(page.locator("#view")).containsText("No members");
        PlaywrightAssertions.assertThat(page.locator("#view")).containsText("No keys in this team");
        page.getByLabel("User id").fill("alice");
        page.getByLabel("Role").selectOption("admin");
        rerender(
                page,
                "Team platform",
                () -> page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Add member"))
                        .click());
        PlaywrightAssertions.assertThat(row(page, "alice")).containsText("admin");
    }

    /**
     * Edit moves billing-app into the team with a bigger budget; Unblock lets it in again; Regenerate replaces
     * report-app's key: the old one is refused, the new one works.
     */
    private void editUnblockAndRegenerate(Page page, String gateway, String billingKey, String reportKey)
            throws Exception {
        gotoPage(page, "Keys");
        row(page, "billing-app")
                .getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Edit billing-app"))
                .click();
        Locator form = page.locator("form[aria-label='Edit key']");
        PlaywrightAssertions.assertThat(form.getByLabel("Max budget (USD)")).hasValue("5");
        form.getByLabel("Max budget (USD)").fill("10");
        form.getByLabel("Team").selectOption(new SelectOption().setLabel("platform"));
        form.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Save"))
                .click();
        PlaywrightAssertions.assertThat(form).hasCount(0);
        Locator row = row(page, "billing-app");
        PlaywrightAssertions.assertThat(row).containsText("/ $10.00");
        PlaywrightAssertions.assertThat(row).containsText("platform");
        PlaywrightAssertions.assertThat(row).containsText("Blocked");
        row.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Unblock billing-app"))
                .click();
        PlaywrightAssertions.assertThat(row(page, "billing-app")).containsText("Active");
        awaitStatus(gateway, billingKey, 200, "the gateway to let the unblocked key in");
        for (int i = 0; i < TEAM_CALLS; i++) {
            assertThat(chat(gateway, billingKey, "ui-chat", "billing-app").statusCode())
                    .isEqualTo(200);
        }

        row(page, "report-app")
                .getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Regenerate report-app"))
                .click();
        page.getByRole(AriaRole.DIALOG)
                .getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Regenerate"))
                .click();
        Locator fresh = page.getByRole(AriaRole.REGION, new Page.GetByRoleOptions().setName("Key regenerated"));
        String newKey = fresh.getByLabel("New key").inputValue();
        assertThat(newKey).startsWith("sk-").isNotEqualTo(reportKey);
        awaitStatus(gateway, reportKey, 401, "the gateway to refuse report-app's old key");
        assertThat(get(gateway, "/v1/models", newKey).statusCode()).isEqualTo(200);
        fresh.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Done"))
                .click();
        PlaywrightAssertions.assertThat(fresh).hasCount(0);

        rerender(
                page,
                "Team platform",
                () -> row(page, "billing-app")
                        .getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName("platform"))
                        .click());
        PlaywrightAssertions.assertThat(row(page, "billing-app")).containsText("Active");
        shot(page, "ui-team");
    }

    /** Total, the chart per day stacked by key and by app, the table by key and its CSV. */
    private void spendPage(Page page, String gateway) throws Exception {
        BigDecimal total =
                new BigDecimal(JSON.readTree(adminGet(gateway, "/global/spend").body())
                        .path("spend")
                        .asText());
        assertThat(total).isPositive();
        gotoPage(page, "Spend");
        // shown rounded to 4 decimals
        assertThat(moneyIn(page.locator("#spend-total").innerText()))
                .isCloseTo(total, org.assertj.core.data.Offset.offset(new BigDecimal("0.00005")));
        PlaywrightAssertions.assertThat(page.locator("ul.legend")).containsText("ui-chat-large");

        page.getByLabel("Stack by").selectOption("key");
        page.getByLabel("Table by").selectOption("key");
        rerender(
                page,
                "Spend",
                () -> page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Show"))
                        .click());
        assertThat(page.url()).contains("stack=key").contains("by=key");
        PlaywrightAssertions.assertThat(page.locator("ul.legend")).containsText("billing-app");
        PlaywrightAssertions.assertThat(page.locator("ul.legend")).containsText("report-app");
        PlaywrightAssertions.assertThat(row(page, "report-app")).containsText(Integer.toString(REPORT_CALLS));
        PlaywrightAssertions.assertThat(row(page, "billing-app"))
                .containsText(Integer.toString(BILLING_CALLS + TEAM_CALLS));
        PlaywrightAssertions.assertThat(row(page, "dify")).containsText(Integer.toString(HISTORY_DAYS));

        Download download = page.waitForDownload(
                () -> page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Download CSV"))
                        .click());
        assertThat(download.suggestedFilename()).startsWith("spend_by_key_").endsWith(".csv");
        List<String> lines = Files.readAllLines(download.path());
        assertThat(lines.get(0)).isEqualTo("Key,Key hash,Requests,Prompt tokens,Completion tokens,Spend (USD)");
        assertThat(lines).hasSize(1 + page.locator("tbody tr").count());
        assertThat(lines)
                .anySatisfy(l -> assertThat(l).startsWith("report-app,").contains("," + REPORT_CALLS + ","));
        assertThat(lines)
                .anySatisfy(l ->
                        assertThat(l).startsWith("billing-app,").contains("," + (BILLING_CALLS + TEAM_CALLS) + ","));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("dify,").contains("," + HISTORY_DAYS + ","));

        // the team's spend (billing-app's calls since it joined), named as the team is
        page.getByLabel("Table by").selectOption("team");
        rerender(
                page,
                "Spend",
                () -> page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Show"))
                        .click());
        PlaywrightAssertions.assertThat(row(page, "platform")).containsText(Integer.toString(TEAM_CALLS));
        PlaywrightAssertions.assertThat(row(page, "(no team)")).isVisible();
        page.getByLabel("Table by").selectOption("key");

        // spend per app per day: a bar segment for each app on each day it spent
        page.getByLabel("Stack by").selectOption("app");
        rerender(
                page,
                "Spend",
                () -> page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Show"))
                        .click());
        Locator legend = page.locator("ul.legend");
        for (String app : List.of("report-app", "billing-app", "dify", "activepieces", "langflow")) {
            PlaywrightAssertions.assertThat(legend).containsText(app);
        }
        assertThat(page.locator("svg.chart rect").count())
                .isGreaterThanOrEqualTo(HISTORY_DAYS * HISTORY_APPS.size() + 2);
        PlaywrightAssertions.assertThat(page.locator("svg.chart rect title").first())
                .containsText(java.time.LocalDate.now(java.time.ZoneOffset.UTC)
                        .minusDays(HISTORY_DAYS)
                        .toString());
        shot(page, "ui-spend");
    }

    /**
     * Every call is listed, 50 a page ({@code total} with the old-app call of the Keys page); a key's "Calls" link
     * and the status filter find exactly their calls; a row opens with the keyboard.
     */
    private void logsPage(Page page, int total) {
        gotoPage(page, "Logs");
        Locator rows = page.locator("tbody tr");
        PlaywrightAssertions.assertThat(rows).hasCount(50);
        rerender(
                page,
                "Logs",
                () -> page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Older →"))
                        .click());
        PlaywrightAssertions.assertThat(rows).hasCount(total - 50);
        PlaywrightAssertions.assertThat(page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Older →")))
                .hasCount(0);

        gotoPage(page, "Keys");
        rerender(
                page,
                "Logs",
                () -> page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Calls of billing-app"))
                        .click());
        PlaywrightAssertions.assertThat(page.getByLabel("Key", new Page.GetByLabelOptions().setExact(true)))
                .hasValue(Pattern.compile("[0-9a-f]{64}"));
        PlaywrightAssertions.assertThat(rows).hasCount(BILLING_CALLS + TEAM_CALLS);
        for (int i = 0; i < BILLING_CALLS + TEAM_CALLS; i++) {
            PlaywrightAssertions.assertThat(rows.nth(i)).containsText("billing-app");
            PlaywrightAssertions.assertThat(rows.nth(i)).containsText("success");
        }
        shot(page, "ui-logs");

        page.getByLabel("Key", new Page.GetByLabelOptions().setExact(true)).selectOption("");
        page.getByLabel("Status").selectOption("failure");
        page.getByLabel("From", new Page.GetByLabelOptions().setExact(true))
                .fill(java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString());
        rerender(
                page,
                "Logs",
                () -> page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Filter"))
                        .click());
        PlaywrightAssertions.assertThat(rows).hasCount(FAILING_CALLS);
        PlaywrightAssertions.assertThat(rows.first()).containsText("ui-down");
        // keyboard: focus a row, Enter opens its details, Close returns focus
        rows.first().focus();
        page.keyboard().press("Enter");
        Locator details = page.getByRole(AriaRole.REGION, new Page.GetByRoleOptions().setName("Call details"));
        PlaywrightAssertions.assertThat(details).containsText("ui-down-1");
        PlaywrightAssertions.assertThat(details).containsText("error_type");
        PlaywrightAssertions.assertThat(
                        details.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Close")))
                .isFocused();
        page.keyboard().press("Enter");
        PlaywrightAssertions.assertThat(details).hasCount(0);
        PlaywrightAssertions.assertThat(rows.first()).isFocused();

        page.getByLabel("Model").selectOption("ui-chat-large");
        page.getByLabel("Status").selectOption("success");
        page.getByLabel("From", new Page.GetByLabelOptions().setExact(true)).fill("");
        page.getByLabel("To", new Page.GetByLabelOptions().setExact(true))
                .fill(java.time.LocalDate.now(java.time.ZoneOffset.UTC)
                        .minusDays(1)
                        .toString());
        rerender(
                page,
                "Logs",
                () -> page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Filter"))
                        .click());
        // langflow's past days only (today's report-app calls of that model are after "To")
        PlaywrightAssertions.assertThat(rows).hasCount(HISTORY_DAYS);
        PlaywrightAssertions.assertThat(rows.first()).containsText("langflow");
    }

    /** Every model group with its deployments; the one whose upstream is down is cooling down. */
    private void modelsPage(Page page) {
        gotoPage(page, "Models");
        for (String group : List.of("ui-chat", "ui-chat-large", "ui-down")) {
            PlaywrightAssertions.assertThat(page.getByRole(
                            AriaRole.REGION,
                            new Page.GetByRoleOptions()
                                    .setName("Model group " + group)
                                    .setExact(true)))
                    .isVisible();
        }
        PlaywrightAssertions.assertThat(row(page, "ui-down-1")).containsText("Cooling down");
        PlaywrightAssertions.assertThat(row(page, "ui-chat-1")).containsText("Healthy");
        PlaywrightAssertions.assertThat(row(page, "ui-chat-1")).containsText("$2.5 in / $10 out per 1M tokens");
        PlaywrightAssertions.assertThat(row(page, "ui-chat-large-1")).containsText("600 rpm");
        shot(page, "ui-models");
    }

    /**
     * A model added on the Models page (stored by cost-tracker) is served at once with the API key typed in, which the
     * page never shows again; editing it keeps the key when the field is left empty; deleting it (after confirming)
     * makes its calls 404. Config-file deployments offer no Edit or Delete.
     */
    private void modelsAddedInTheUi(Page page, String gateway, FakeUpstream upstream) throws Exception {
        String secret = "sk-ui-upstream-secret-4242";
        PlaywrightAssertions.assertThat(row(page, "ui-chat-1")
                        .getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Edit ui-chat-1")))
                .hasCount(0);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Add model"))
                .first()
                .click();
        Locator form = page.locator("form[aria-label='Add model']");
        form.getByLabel("Model name").fill("ui-added");
        form.getByLabel("Provider model").fill("openai/gpt-4o-mini");
        form.getByLabel("API base").fill(upstream.baseUrl() + "/v1");
        form.getByLabel("API key").fill(secret);
        form.getByLabel("Requests per minute").fill("30");
        form.getByLabel("Input price (USD per 1M tokens)").fill("0.15");
        form.getByLabel("Output price (USD per 1M tokens)").fill("0.6");
        shot(page, "ui-models-add");
        form.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Add model"))
                .click();
        Locator group = page.getByRole(
                AriaRole.REGION,
                new Page.GetByRoleOptions().setName("Model group ui-added").setExact(true));
        PlaywrightAssertions.assertThat(group).containsText("Added here");
        PlaywrightAssertions.assertThat(group).containsText("30 rpm");
        PlaywrightAssertions.assertThat(group).containsText("$0.15 in / $0.6 out per 1M tokens");
        assertThat(page.content()).doesNotContain(secret);
        shot(page, "ui-models-added");

        HttpResponse<String> served = chat(gateway, MASTER, "ui-added", null);
        assertThat(served.statusCode()).as(served.body()).isEqualTo(200);
        assertThat(upstream.lastRequest().headers().get("authorization")).isEqualTo("Bearer " + secret);

        String id = group.locator("tbody tr code").first().textContent();
        group.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Edit " + id))
                .click();
        Locator edit = page.locator("form[aria-label='Edit model']");
        PlaywrightAssertions.assertThat(edit.getByLabel("API key")).hasValue("");
        PlaywrightAssertions.assertThat(edit.getByLabel("Input price (USD per 1M tokens)"))
                .hasValue("0.15");
        edit.getByLabel("Requests per minute").fill("60");
        edit.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Save"))
                .click();
        PlaywrightAssertions.assertThat(group).containsText("60 rpm");
        upstream.reset();
        assertThat(chat(gateway, MASTER, "ui-added", null).statusCode()).isEqualTo(200);
        assertThat(upstream.lastRequest().headers().get("authorization")).isEqualTo("Bearer " + secret);

        group.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Delete " + id))
                .click();
        page.getByRole(AriaRole.DIALOG)
                .getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Delete"))
                .click();
        PlaywrightAssertions.assertThat(group).hasCount(0);
        assertThat(chat(gateway, MASTER, "ui-added", null).statusCode()).isEqualTo(404);
    }

    /** A customer (the calling app) gets a budget and is blocked: the gateway refuses that app's calls. */
    private void customersPage(Page page, String gateway, String billingKey) throws Exception {
        gotoPage(page, "Customers");
        PlaywrightAssertions.assertThat(page.locator("#view")).containsText("No customers yet");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create customer"))
                .first()
                .click();
        Locator form = page.locator("form[aria-label='Create customer']");
        form.getByLabel("Customer id").fill("billing-app");
        form.getByLabel("Name").fill("Billing");
        form.getByLabel("Max budget (USD)").fill("1");
        form.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Create customer"))
                .click();
        Locator row = row(page, "billing-app");
        PlaywrightAssertions.assertThat(row).containsText("/ $1.00");
        PlaywrightAssertions.assertThat(row).containsText("Active");
        row.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Block billing-app"))
                .click();
        PlaywrightAssertions.assertThat(row(page, "billing-app")).containsText("Blocked");
        shot(page, "ui-customers");
        HttpResponse<String> refused = chat(gateway, billingKey, "ui-chat", "billing-app");
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(401);
        assertThat(refused.body()).contains("customer_blocked");
    }

    /**
     * Without "Remember me" another tab must sign in; with it, another tab opens signed in; Sign out there forgets the
     * remembered key, so the next tab must sign in again.
     */
    private void rememberMe(Page page, BrowserContext context, String gateway) {
        Page other = context.newPage();
        other.navigate(gateway + "/ui/#/keys");
        PlaywrightAssertions.assertThat(other.getByLabel("Master key")).isVisible();
        other.close();

        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign out"))
                .click();
        PlaywrightAssertions.assertThat(page.getByLabel("Master key")).isVisible();
        assertThat(storedKeys(page)).isEqualTo("0/0");
        page.getByLabel("Master key").fill(MASTER);
        page.getByLabel("Remember me").check();
        rerender(
                page,
                "Keys",
                () -> page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in"))
                        .click());
        assertThat(storedKeys(page)).isEqualTo("1/1");

        other = context.newPage();
        other.navigate(gateway + "/ui/#/models");
        ready(other, "Models");
        other.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign out"))
                .click();
        PlaywrightAssertions.assertThat(other.getByLabel("Master key")).isVisible();
        assertThat(storedKeys(other)).isEqualTo("0/0");
        other.close();
        other = context.newPage();
        other.navigate(gateway + "/ui/#/models");
        PlaywrightAssertions.assertThat(other.getByLabel("Master key")).isVisible();
        other.close();
    }

    /** With cost-tracker gone the pages say so instead of showing nothing; Models, the gateway's own, still works. */
    private void costTrackerDown(Page page) {
        page.evaluate("() => document.querySelectorAll('#view section.page').forEach(s => s.dataset.stale = 'true')");
        nav(page)
                .getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName("Keys"))
                .click();
        page.locator("#view section.page[data-ready='true']:not([data-stale])").waitFor();
        Locator error = page.locator("#view .notice.error");
        PlaywrightAssertions.assertThat(error).containsText("Could not load this page");
        PlaywrightAssertions.assertThat(error).containsText("cost-tracker");
        gotoPage(page, "Models");
        PlaywrightAssertions.assertThat(row(page, "ui-down-1")).containsText("Cooling down");
        // the only console errors: the browser's lines for the 503 answers
        assertThat(consoleErrors).isNotEmpty().allSatisfy(e -> assertThat(e).contains("503"));
    }

    // ---- helpers ----

    private static Locator nav(Page page) {
        return page.getByRole(AriaRole.NAVIGATION, new Page.GetByRoleOptions().setName("Main"));
    }

    private static void gotoPage(Page page, String name) {
        rerender(
                page,
                name,
                () -> nav(page)
                        .getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName(name))
                        .click());
    }

    /** Runs an action that renders the page anew and waits for the new rendering, not the one already there. */
    private static void rerender(Page page, String title, Runnable action) {
        page.evaluate("() => document.querySelectorAll('#view section.page').forEach(s => s.dataset.stale = 'true')");
        action.run();
        ready(page, title);
    }

    /** The page is rendered (the router marks its container) and shows no error. */
    private static void ready(Page page, String title) {
        Locator section = page.locator("#view section.page[data-ready='true']:not([data-stale])");
        section.waitFor();
        PlaywrightAssertions.assertThat(section.locator("h1").first()).containsText(title);
        PlaywrightAssertions.assertThat(section.locator(".notice.error")).hasCount(0);
    }

    /** The table row with a cell (or an element in it) whose whole text is {@code text}. */
    private static Locator row(Page page, String text) {
        Locator exact = page.getByText(text, new Page.GetByTextOptions().setExact(true));
        return page.locator("tbody tr").filter(new Locator.FilterOptions().setHas(exact));
    }

    /** "sessionStorage entries/localStorage entries". */
    private static String storedKeys(Page page) {
        return page.evaluate("() => sessionStorage.length + '/' + localStorage.length")
                .toString();
    }

    private static void shot(Page page, String name) {
        // a toast from an earlier action would cover part of the page
        page.locator("#toast.show").waitFor(new Locator.WaitForOptions().setState(WaitForSelectorState.DETACHED));
        page.screenshot(new Page.ScreenshotOptions()
                .setPath(SHOTS.resolve(name + ".png"))
                .setFullPage(true));
    }

    private static BigDecimal moneyIn(String text) {
        var m = Pattern.compile("\\$([0-9.eE-]+)").matcher(text);
        assertThat(m.find()).as(text).isTrue();
        return new BigDecimal(m.group(1));
    }

    /** Waits until the gateway answers {@code GET /v1/models} with {@code key} with that status. */
    private void awaitStatus(String gateway, String key, int status, String what) throws InterruptedException {
        PackagedApps.await(
                () -> {
                    try {
                        // a listing, not a call: a call made while the key is still cached would be billed
                        return get(gateway, "/v1/models", key).statusCode() == status;
                    } catch (Exception e) {
                        return false;
                    }
                },
                WAIT,
                what);
    }

    /**
     * One call a day for {@link #HISTORY_DAYS} past days for each of the history apps, each with its own virtual key,
     * posted to cost-tracker as the gateway posts usage (langflow on ui-chat-large, the others on ui-chat).
     */
    private void recordHistory(String gateway, String costTracker) throws Exception {
        StringBuilder events = new StringBuilder("[");
        java.time.LocalDate today = java.time.LocalDate.now(java.time.ZoneOffset.UTC);
        for (int a = 0; a < HISTORY_APPS.size(); a++) {
            String app = HISTORY_APPS.get(a);
            // budgets and limits as a team lead would set them; langflow's past spend is over its budget
            String settings = switch (app) {
                case "dify" -> ",\"max_budget\":0.1,\"budget_duration\":\"30d\",\"rpm_limit\":60";
                case "langflow" -> ",\"max_budget\":0.15,\"models\":[\"ui-chat-large\"]";
                default -> ",\"max_budget\":0.08,\"tpm_limit\":100000";
            };
            String keyHash = com.acme.mpc.gateway.api.Authenticator.sha256Hex(
                    generateKeyWith(gateway, "{\"key_alias\":\"" + app + "\"" + settings + "}"));
            boolean large = app.equals("langflow");
            for (int day = 1; day <= HISTORY_DAYS; day++) {
                java.time.Instant start = today.minusDays(day).atTime(12, a).toInstant(java.time.ZoneOffset.UTC);
                int prompt = 400 + 150 * ((day * 7 + a * 3) % 5) + 300 * a;
                int completion = 200 + 90 * ((day * 5 + a) % 4);
                if (events.length() > 1) {
                    events.append(',');
                }
                events.append(JSON.writeValueAsString(Map.ofEntries(
                        Map.entry("request_id", java.util.UUID.randomUUID().toString()),
                        Map.entry("call_type", "chat_completion"),
                        Map.entry("start_time", start.toString()),
                        Map.entry("end_time", start.plusMillis(800).toString()),
                        Map.entry("key_hash", keyHash),
                        Map.entry("key_alias", app),
                        Map.entry("end_user", app),
                        Map.entry("model_group", large ? "ui-chat-large" : "ui-chat"),
                        Map.entry("deployment_id", large ? "ui-chat-large-1" : "ui-chat-1"),
                        Map.entry("provider", "mock"),
                        Map.entry("prompt_tokens", prompt),
                        Map.entry("completion_tokens", completion),
                        Map.entry("input_cost_per_token", large ? "0.000005" : "0.0000025"),
                        Map.entry("output_cost_per_token", large ? "0.00002" : "0.00001"),
                        Map.entry("latency_ms", 800),
                        Map.entry("status", "success"))));
            }
        }
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(costTracker + "/usage/events"))
                        .header("authorization", "Bearer " + MASTER)
                        .header("content-type", "application/json")
                        .timeout(Duration.ofSeconds(30))
                        .POST(HttpRequest.BodyPublishers.ofString(
                                events.append(']').toString()))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isBetween(200, 299);
    }

    private int logCount(String gateway) {
        try {
            HttpResponse<String> r = adminGet(gateway, "/spend/logs?page_size=1000");
            return r.statusCode() == 200 ? JSON.readTree(r.body()).size() : -1;
        } catch (Exception e) {
            return -1;
        }
    }

    private HttpResponse<String> adminGet(String gateway, String path) throws Exception {
        return get(gateway, path, MASTER);
    }

    private HttpResponse<String> get(String gateway, String path, String key) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(gateway + path))
                        .header("authorization", "Bearer " + key)
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private String generateKey(String gateway, String alias) throws Exception {
        return generateKeyWith(gateway, "{\"key_alias\":\"" + alias + "\"}");
    }

    /** A key made through the gateway's admin route, as a script would. */
    private String generateKeyWith(String gateway, String body) throws Exception {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(gateway + "/key/generate"))
                        .header("authorization", "Bearer " + MASTER)
                        .header("content-type", "application/json")
                        .timeout(Duration.ofSeconds(10))
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body()).path("key").asText();
    }

    /** A chat call; {@code app} is named as mpc-api names the calling app: {@code user} and x-mpc-end-user. */
    private HttpResponse<String> chat(String gateway, String key, String model, String app) throws Exception {
        String body = "{\"model\":\"" + model + "\"" + (app == null ? "" : ",\"user\":\"" + app + "\"")
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(gateway + "/v1/chat/completions"))
                .header("authorization", "Bearer " + key)
                .header("content-type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (app != null) {
            request.header("x-mpc-end-user", app);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A port nothing listens on: the "down" deployment's upstream refuses every connection. */
    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
