package com.acme.mpc.gateway.ui;

import static com.acme.mpc.gateway.testsupport.PackagedApps.JSON;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.acme.mpc.gateway.testsupport.PackagedApps;
import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Download;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import com.microsoft.playwright.options.AriaRole;
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

    private static final int BILLING_CALLS = 3;
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

            // traffic the UI did not make: another app's key with a page of calls, and a deployment that fails
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
                                            "--disable-background-networking")));
                    BrowserContext context = browser.newContext(new Browser.NewContextOptions()
                            .setAcceptDownloads(true)
                            .setViewportSize(1400, 900)
                            .setLocale("en-US")
                            .setTimezoneId("UTC"))) {
                context.setDefaultTimeout(20_000);
                Page page = context.newPage();
                page.onConsoleMessage(m -> {
                    if ("error".equals(m.type())) {
                        consoleErrors.add(m.text());
                    }
                });
                page.onPageError(e -> consoleErrors.add("uncaught: " + e));

                signIn(page, gateway);
                String billingKey = createKeyInTheUi(page);
                for (int i = 0; i < BILLING_CALLS; i++) {
                    HttpResponse<String> r = chat(gateway, billingKey, "ui-chat", "billing-app");
                    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                }
                int total = REPORT_CALLS + BILLING_CALLS + FAILING_CALLS;
                PackagedApps.await(() -> logCount(gateway) >= total, WAIT, total + " calls in cost-tracker's logs");
                keysPage(page, gateway, billingKey, oldKey);
                PackagedApps.await(
                        () -> logCount(gateway) >= total + 1, WAIT, "the old-app call in cost-tracker's logs");
                spendPage(page, gateway);
                logsPage(page, total + 1);
                modelsPage(page);
                teamsAndCustomersPages(page);
                signOut(page);
                assertThat(consoleErrors).as("console errors").isEmpty();
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
        shot(page, "ui-sign-in");
        keyField.fill("sk-not-the-master-key");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in"))
                .click();
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
        assertThat(storedKeys(page)).as("session only, not localStorage").isEqualTo("1/0");
        PlaywrightAssertions.assertThat(page.locator("#sign-in-error")).isHidden();
        for (String link : List.of("Keys", "Teams", "Customers", "Spend", "Logs", "Models")) {
            PlaywrightAssertions.assertThat(
                            page.getByRole(AriaRole.NAVIGATION, new Page.GetByRoleOptions().setName("Main"))
                                    .getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName(link)))
                    .isVisible();
        }
    }

    /** "Create key" with an alias and a budget shows the new key once; returns it. */
    private String createKeyInTheUi(Page page) {
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create key"))
                .first()
                .click();
        Locator form = page.locator("form[aria-label='Create key']");
        form.getByLabel("Key alias").fill("billing-app");
        form.getByLabel("Max budget (USD)").fill("5");
        form.getByLabel("Budget period").selectOption("30d");
        form.getByLabel("Models").fill("ui-chat");
        form.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Create key"))
                .click();
        Locator created =
                page.getByRole(AriaRole.REGION, new Page.GetByRoleOptions().setName("Key \"billing-app\" created"));
        PlaywrightAssertions.assertThat(created).isVisible();
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
        Locator row = row(page, "billing-app");
        PlaywrightAssertions.assertThat(row).containsText("/ $5.00");
        PlaywrightAssertions.assertThat(row).containsText("ui-chat");
        PlaywrightAssertions.assertThat(row).containsText("Active");
        assertThat(moneyIn(row.locator("td").nth(3).innerText())).isPositive();
        PlaywrightAssertions.assertThat(page.locator("tbody tr")).hasCount(3);
        shot(page, "ui-keys");

        row.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Block billing-app"))
                .click();
        PlaywrightAssertions.assertThat(row(page, "billing-app")).containsText("Blocked");
        PackagedApps.await(
                () -> {
                    try {
                        // a listing, not a call: calls made while the key is still cached would be billed
                        return get(gateway, "/v1/models", billingKey).statusCode() == 401;
                    } catch (Exception e) {
                        return false;
                    }
                },
                WAIT,
                "the gateway to refuse the blocked key");
        HttpResponse<String> refused = chat(gateway, billingKey, "ui-chat", null);
        assertThat(JSON.readTree(refused.body()).at("/error/message").asText()).contains("blocked");

        Locator old = row(page, "old-app");
        old.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Delete old-app"))
                .click();
        Locator dialog = page.getByRole(AriaRole.DIALOG);
        PlaywrightAssertions.assertThat(dialog).containsText("Delete old-app?");
        dialog.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Cancel"))
                .click();
        PlaywrightAssertions.assertThat(dialog).hasCount(0);
        PlaywrightAssertions.assertThat(row(page, "old-app")).isVisible();
        assertThat(chat(gateway, oldKey, "ui-chat", null).statusCode()).isEqualTo(200);
        row(page, "old-app")
                .getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Delete old-app"))
                .click();
        page.getByRole(AriaRole.DIALOG)
                .getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Delete"))
                .click();
        PlaywrightAssertions.assertThat(
                        page.locator("tbody tr").filter(new Locator.FilterOptions().setHasText("old-app")))
                .hasCount(0);
        PlaywrightAssertions.assertThat(page.locator("tbody tr")).hasCount(2);
    }

    /** Total, the chart stacked by key and by app, the table by key and its CSV. */
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
        assertThat(page.locator("svg.chart rect").count()).isPositive();
        PlaywrightAssertions.assertThat(page.locator("ul.legend")).containsText("ui-chat-large");

        page.getByLabel("Stack by").selectOption("key");
        page.getByLabel("Table by").selectOption("key");
        rerender(
                page,
                "Spend",
                () -> page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Show"))
                        .click());
        PlaywrightAssertions.assertThat(page.locator("ul.legend")).containsText("billing-app");
        PlaywrightAssertions.assertThat(page.locator("ul.legend")).containsText("report-app");
        PlaywrightAssertions.assertThat(row(page, "report-app")).containsText(Integer.toString(REPORT_CALLS));
        shot(page, "ui-spend");

        Download download = page.waitForDownload(
                () -> page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Download CSV"))
                        .click());
        assertThat(download.suggestedFilename()).startsWith("spend_by_key_").endsWith(".csv");
        List<String> lines = Files.readAllLines(download.path());
        assertThat(lines.get(0)).isEqualTo("Key,Key hash,Requests,Prompt tokens,Completion tokens,Spend (USD)");
        int shown = page.locator("tbody tr").count();
        assertThat(lines).hasSize(1 + shown);
        assertThat(lines)
                .anySatisfy(l -> assertThat(l).startsWith("report-app,").contains("," + REPORT_CALLS + ","));
        assertThat(lines)
                .anySatisfy(l -> assertThat(l).startsWith("billing-app,").contains("," + BILLING_CALLS + ","));

        page.getByLabel("Stack by").selectOption("app");
        rerender(
                page,
                "Spend",
                () -> page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Show"))
                        .click());
        PlaywrightAssertions.assertThat(page.locator("ul.legend")).containsText("report-app");
        PlaywrightAssertions.assertThat(page.locator("ul.legend")).containsText("billing-app");
    }

    /**
     * Every call is listed, 50 a page ({@code total} with the old-app call of the Keys page); the key and status
     * filters find exactly their calls; a row opens with the keyboard.
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

        page.getByLabel("Key", new Page.GetByLabelOptions().setExact(true))
                .selectOption(new com.microsoft.playwright.options.SelectOption().setLabel("billing-app"));
        page.getByLabel("From")
                .fill(java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString());
        rerender(
                page,
                "Logs",
                () -> page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Filter"))
                        .click());
        PlaywrightAssertions.assertThat(rows).hasCount(BILLING_CALLS);
        for (int i = 0; i < BILLING_CALLS; i++) {
            PlaywrightAssertions.assertThat(rows.nth(i)).containsText("billing-app");
            PlaywrightAssertions.assertThat(rows.nth(i)).containsText("success");
        }
        shot(page, "ui-logs");

        page.getByLabel("Key", new Page.GetByLabelOptions().setExact(true)).selectOption("");
        page.getByLabel("Status").selectOption("failure");
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

    /** Teams and Customers load and explain their empty state; a team made here lists its (empty) keys. */
    private void teamsAndCustomersPages(Page page) {
        gotoPage(page, "Teams");
        PlaywrightAssertions.assertThat(page.locator("#view")).containsText("No teams yet");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create team"))
                .first()
                .click();
        Locator form = page.locator("form[aria-label='Create team']");
        form.getByLabel("Team name").fill("platform");
        form.getByLabel("Max budget (USD)").fill("100");
        form.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Create team"))
                .click();
        PlaywrightAssertions.assertThat(row(page, "platform")).containsText("/ $100.00");
        shot(page, "ui-teams");
        gotoPage(page, "Customers");
        PlaywrightAssertions.assertThat(page.locator("#view")).containsText("No customers yet");
    }

    private void signOut(Page page) {
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign out"))
                .click();
        PlaywrightAssertions.assertThat(page.getByLabel("Master key")).isVisible();
        assertThat(storedKeys(page)).isEqualTo("0/0");
        page.reload();
        PlaywrightAssertions.assertThat(page.getByLabel("Master key")).isVisible();
    }

    // ---- helpers ----

    private static void gotoPage(Page page, String name) {
        rerender(
                page,
                name,
                () -> page.getByRole(AriaRole.NAVIGATION, new Page.GetByRoleOptions().setName("Main"))
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
        assertThat(page.title()).startsWith(title);
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
        page.screenshot(new Page.ScreenshotOptions()
                .setPath(SHOTS.resolve(name + ".png"))
                .setFullPage(true));
    }

    private static BigDecimal moneyIn(String text) {
        var m = Pattern.compile("\\$([0-9.eE-]+)").matcher(text);
        assertThat(m.find()).as(text).isTrue();
        return new BigDecimal(m.group(1));
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
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(gateway + "/key/generate"))
                        .header("authorization", "Bearer " + MASTER)
                        .header("content-type", "application/json")
                        .timeout(Duration.ofSeconds(10))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"key_alias\":\"" + alias + "\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(r.body());
        return body.path("key").asText();
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
