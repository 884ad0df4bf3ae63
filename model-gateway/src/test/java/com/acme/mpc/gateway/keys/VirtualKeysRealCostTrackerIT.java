package com.acme.mpc.gateway.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.acme.mpc.gateway.api.Authenticator;
import com.acme.mpc.gateway.testsupport.TestPostgres;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Virtual keys end to end with the real packaged cost-tracker (real PostgreSQL): a key made with /key/generate is
 * accepted, limited to its models, its usage carries its alias and team, concurrent calls on a small budget never
 * spend more than the budget, and blocking it takes effect after the key cache TTL. Skipped without both packaged
 * apps or PostgreSQL (see UsageDeliveryProofIT for how to run).
 */
class VirtualKeysRealCostTrackerIT {
    private static final String MASTER = "sk-keys-it-master";
    private static final Path MODULE = Path.of(System.getProperty("user.dir"));
    private static final Path GATEWAY_JAR = MODULE.resolve("target/quarkus-app/quarkus-run.jar");
    private static final Path COST_TRACKER_JAR = Path.of(System.getProperty(
            "cost-tracker.jar",
            MODULE.resolve("../cost-tracker/target/quarkus-app/quarkus-run.jar").toString()));
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final BigDecimal BUDGET = new BigDecimal("0.002");

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void virtualKeysAgainstTheRealCostTracker() throws Exception {
        assumeTrue(Files.isRegularFile(GATEWAY_JAR), "model-gateway is not packaged: test skipped");
        assumeTrue(
                Files.isRegularFile(COST_TRACKER_JAR),
                "cost-tracker is not packaged (" + COST_TRACKER_JAR.normalize() + "): test skipped");
        assumeTrue(postgresUp(), "no PostgreSQL at " + TestPostgres.describe() + ": test skipped");

        Path work = Files.createTempDirectory(MODULE.resolve("target"), "keys-it-");
        Path config = work.resolve("gateway.yaml");
        Files.writeString(config, """
                model_list:
                  - model_name: proof-chat
                    litellm_params: {model: openai/gpt-4o-mini, mock_response: "Proof answer with a few tokens."}
                    model_info: {id: proof-chat-1, input_cost_per_token: 0.0000025, output_cost_per_token: 0.00001}
                  - model_name: other-chat
                    litellm_params: {model: openai/gpt-4o, mock_response: "Other."}
                general_settings: {master_key: %s}
                """.formatted(MASTER));
        String db = "gw_keys_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        int gatewayPort = freePort();
        int costTrackerPort = freePort();
        String gateway = "http://127.0.0.1:" + gatewayPort;
        String costTracker = "http://127.0.0.1:" + costTrackerPort;
        Process gw = null;
        Process ct = null;
        createDatabase(db);
        try {
            ct = start(
                    COST_TRACKER_JAR,
                    Map.of(
                            "QUARKUS_HTTP_PORT",
                            Integer.toString(costTrackerPort),
                            "QUARKUS_DATASOURCE_JDBC_URL",
                            TestPostgres.url(db),
                            "QUARKUS_DATASOURCE_USERNAME",
                            TestPostgres.USER,
                            "QUARKUS_DATASOURCE_PASSWORD",
                            TestPostgres.PASSWORD,
                            "LITELLM_MASTER_KEY",
                            MASTER),
                    work.resolve("cost-tracker.log"));
            gw = start(
                    GATEWAY_JAR,
                    Map.of(
                            "CONFIG_FILE_PATH",
                            config.toString(),
                            "QUARKUS_HTTP_PORT",
                            Integer.toString(gatewayPort),
                            "COST_TRACKER_URL",
                            costTracker,
                            "GATEWAY_SPOOL_DIR",
                            work.resolve("spool").toString(),
                            "GATEWAY_COST_TRACKER_FLUSH_INTERVAL",
                            "200ms",
                            "GATEWAY_COST_TRACKER_KEY_CACHE_TTL",
                            "1s"),
                    work.resolve("gateway.log"));
            await(() -> status(costTracker + "/q/health/ready") == 200, Duration.ofSeconds(90), "cost-tracker");
            await(() -> status(gateway + "/health/liveliness") == 200, Duration.ofSeconds(60), "gateway");

            // the admin routes answer on the gateway's port, relayed to cost-tracker; the master key is required
            HttpResponse<String> anonymous = post(gateway + "/key/generate", "sk-not-the-master", "{}");
            assertThat(anonymous.statusCode()).isEqualTo(401);
            assertThat(JSON.readTree(anonymous.body())
                            .path("error")
                            .path("type")
                            .asText())
                    .isEqualTo("authentication_error");
            JsonNode generated = JSON.readTree(post(
                            gateway + "/key/generate",
                            MASTER,
                            "{\"key_alias\":\"it-app\",\"team_id\":\"team-it\",\"models\":[\"proof-chat\"],"
                                    + "\"max_budget\":\"" + BUDGET + "\"}")
                    .body());
            String key = generated.path("key").asText();
            String hash = Authenticator.sha256Hex(key);
            assertThat(key).startsWith("sk-");
            HttpResponse<String> own = http.send(
                    HttpRequest.newBuilder(URI.create(gateway + "/key/info"))
                            .header("x-litellm-api-key", key)
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(own.statusCode()).as(own.body()).isEqualTo(200);
            assertThat(JSON.readTree(own.body()).path("info").path("key_alias").asText())
                    .isEqualTo("it-app");

            HttpResponse<String> ok = chat(gateway, key, "proof-chat", "it-first");
            assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
            HttpResponse<String> denied = chat(gateway, key, "other-chat", "it-denied");
            assertThat(denied.statusCode()).isEqualTo(401);
            assertThat(JSON.readTree(denied.body()).path("error").path("type").asText())
                    .isEqualTo("key_model_access_denied");
            HttpResponse<String> models = http.send(
                    HttpRequest.newBuilder(URI.create(gateway + "/v1/models"))
                            .header("authorization", "Bearer " + key)
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(JSON.readTree(models.body()).path("data").findValuesAsText("id"))
                    .containsExactly("proof-chat");

            // many concurrent calls on the small budget: the reservations stop them before it is overspent
            ExecutorService pool = Executors.newFixedThreadPool(10);
            List<Future<HttpResponse<String>>> calls = new ArrayList<>();
            try {
                for (int i = 0; i < 40; i++) {
                    String id = "it-burst-" + i;
                    calls.add(pool.submit(() -> chat(gateway, key, "proof-chat", id)));
                }
                int okCount = 0;
                int budgetRefused = 0;
                for (Future<HttpResponse<String>> f : calls) {
                    HttpResponse<String> r = f.get(60, TimeUnit.SECONDS);
                    if (r.statusCode() == 200) {
                        okCount++;
                    } else {
                        // used up (400, not retried by SDKs) or held by calls in flight (429 + Retry-After)
                        assertThat(r.statusCode()).as(r.body()).isIn(400, 429);
                        JsonNode error = JSON.readTree(r.body()).path("error");
                        if (r.statusCode() == 400) {
                            assertThat(error.path("type").asText()).isEqualTo("budget_exceeded");
                            assertThat(error.path("message").asText()).contains("Budget has been exceeded");
                        } else {
                            assertThat(error.path("code").asText()).isEqualTo("budget_held_by_calls_in_flight");
                            assertThat(r.headers().firstValue("retry-after")).isPresent();
                        }
                        budgetRefused++;
                    }
                }
                assertThat(okCount).isPositive();
                assertThat(budgetRefused).isPositive();
            } finally {
                pool.shutdownNow();
            }
            await(() -> backlog(gateway) == 0, Duration.ofSeconds(30), "usage delivery");
            try (Connection c = DriverManager.getConnection(
                            TestPostgres.url(db), TestPostgres.USER, TestPostgres.PASSWORD);
                    PreparedStatement ps = c.prepareStatement("SELECT count(*), sum(cost_usd), "
                            + "count(*) FILTER (WHERE key_alias = 'it-app' AND team_id = 'team-it') "
                            + "FROM usage_events WHERE key_hash = ?")) {
                ps.setString(1, hash);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    long rows = rs.getLong(1);
                    assertThat(rows).isGreaterThan(1);
                    assertThat(rs.getBigDecimal(2)).isLessThanOrEqualTo(BUDGET);
                    assertThat(rs.getLong(3)).isEqualTo(rows);
                }
            }

            teamAndCustomerBudgetsHold(gateway, db);

            // blocking the key applies once the gateway's key cache (1 s here) expires
            assertThat(post(costTracker + "/key/update", MASTER, "{\"key\":\"" + hash + "\",\"blocked\":true}")
                            .statusCode())
                    .isEqualTo(200);
            await(
                    () -> {
                        HttpResponse<String> r = chat(gateway, key, "proof-chat", "it-blocked-" + UUID.randomUUID());
                        return r.statusCode() == 401 && r.body().contains("key is blocked");
                    },
                    Duration.ofSeconds(10),
                    "the block to apply");
            // the raw key never appears in the gateway's log
            assertThat(Files.readString(work.resolve("gateway.log"))).doesNotContain(key);
        } finally {
            stop(gw);
            stop(ct);
            dropDatabase(db);
        }
    }

    /**
     * Budgets above the key, through the gateway: two keys without budgets share their team's; a customer's (the
     * request's user) budget stops its calls while another end user's still pass; a blocked team refuses at once.
     */
    private void teamAndCustomerBudgetsHold(String gateway, String db) throws Exception {
        String teamId = JSON.readTree(post(
                                gateway + "/team/new",
                                MASTER,
                                "{\"team_alias\":\"it-team\",\"max_budget\":\"" + BUDGET + "\"}")
                        .body())
                .path("team_id")
                .asText();
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            keys.add(JSON.readTree(post(gateway + "/key/generate", MASTER, "{\"team_id\":\"" + teamId + "\"}")
                            .body())
                    .path("key")
                    .asText());
        }
        ExecutorService pool = Executors.newFixedThreadPool(10);
        int refusedByTeam = 0;
        try {
            List<Future<HttpResponse<String>>> calls = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                String key = keys.get(i % 2);
                String id = "it-team-" + i;
                calls.add(pool.submit(() -> chat(gateway, key, "proof-chat", id)));
            }
            for (Future<HttpResponse<String>> f : calls) {
                HttpResponse<String> r = f.get(60, TimeUnit.SECONDS);
                if (r.statusCode() != 200) {
                    assertThat(r.statusCode()).as(r.body()).isIn(400, 429);
                    assertThat(r.body()).contains("team " + teamId);
                    refusedByTeam++;
                }
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(refusedByTeam).as("calls refused by the team's budget").isPositive();
        await(() -> backlog(gateway) == 0, Duration.ofSeconds(30), "usage delivery");
        try (Connection c =
                        DriverManager.getConnection(TestPostgres.url(db), TestPostgres.USER, TestPostgres.PASSWORD);
                PreparedStatement ps =
                        c.prepareStatement("SELECT (SELECT sum(cost_usd) FROM usage_events WHERE team_id = ?),"
                                + " (SELECT spend FROM teams WHERE team_id = ?)")) {
            ps.setString(1, teamId);
            ps.setString(2, teamId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertThat(rs.getBigDecimal(1)).isPositive().isLessThanOrEqualTo(BUDGET);
                assertThat(rs.getBigDecimal(2))
                        .as("the team's spend is its events'")
                        .isEqualByComparingTo(rs.getBigDecimal(1));
            }
        }

        // a customer (the request's user) with a tiny budget: its second call is refused, another user's passes
        assertThat(post(gateway + "/customer/new", MASTER, "{\"user_id\":\"it-customer\",\"max_budget\":0.0000001}")
                        .statusCode())
                .isEqualTo(200);
        String plain = JSON.readTree(
                        post(gateway + "/key/generate", MASTER, "{}").body())
                .path("key")
                .asText();
        await(
                () -> {
                    HttpResponse<String> r = chatAs(gateway, plain, "it-customer");
                    return r.statusCode() == 400 && r.body().contains("customer it-customer");
                },
                Duration.ofSeconds(15),
                "the customer's budget to refuse its calls");
        assertThat(chatAs(gateway, plain, "someone-else").statusCode()).isEqualTo(200);

        // a blocked team refuses its keys' calls with 401, whatever budget is left
        assertThat(post(gateway + "/team/block", MASTER, "{\"team_id\":\"" + teamId + "\"}")
                        .statusCode())
                .isEqualTo(200);
        HttpResponse<String> blocked = chat(gateway, keys.get(0), "proof-chat", "it-team-blocked");
        assertThat(blocked.statusCode()).as(blocked.body()).isEqualTo(401);
        assertThat(JSON.readTree(blocked.body()).path("error").path("code").asText())
                .isEqualTo("team_blocked");
    }

    private HttpResponse<String> chatAs(String gateway, String key, String endUser) {
        try {
            return http.send(
                    HttpRequest.newBuilder(URI.create(gateway + "/v1/chat/completions"))
                            .header("authorization", "Bearer " + key)
                            .header("content-type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"proof-chat\",\"user\":\""
                                    + endUser + "\",\"max_tokens\":20,\"messages\":[{\"role\":\"user\","
                                    + "\"content\":\"hi\"}]}"))
                            .timeout(Duration.ofSeconds(30))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private HttpResponse<String> chat(String gateway, String key, String model, String requestId) {
        try {
            return http.send(
                    HttpRequest.newBuilder(URI.create(gateway + "/v1/chat/completions"))
                            .header("authorization", "Bearer " + key)
                            .header("content-type", "application/json")
                            .header("x-request-id", requestId)
                            .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + model
                                    + "\",\"max_tokens\":20,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                            .timeout(Duration.ofSeconds(30))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private HttpResponse<String> post(String url, String bearer, String body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .header("authorization", "Bearer " + bearer)
                        .header("content-type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .timeout(Duration.ofSeconds(30))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private long backlog(String gateway) {
        try {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(URI.create(gateway + "/health/readiness"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return JSON.readTree(r.body())
                    .path("usage_spool")
                    .path("backlog_records")
                    .asLong(-1);
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private int status(String url) {
        try {
            return http.send(
                            HttpRequest.newBuilder(URI.create(url))
                                    .timeout(Duration.ofSeconds(5))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static void await(Supplier<Boolean> condition, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.get()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            Thread.sleep(200);
        }
    }

    private static Process start(Path jar, Map<String, String> env, Path log) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-jar", jar.toString())
                .directory(log.getParent().toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().putAll(env);
        return pb.start();
    }

    private static void stop(Process p) throws InterruptedException {
        if (p == null || !p.isAlive()) {
            return;
        }
        p.destroy();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static boolean postgresUp() {
        try (Connection c =
                DriverManager.getConnection(TestPostgres.url("postgres"), TestPostgres.USER, TestPostgres.PASSWORD)) {
            return c.isValid(5);
        } catch (SQLException e) {
            return false;
        }
    }

    private static void createDatabase(String db) throws SQLException {
        try (Connection c = DriverManager.getConnection(
                        TestPostgres.url("postgres"), TestPostgres.USER, TestPostgres.PASSWORD);
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + db);
        }
    }

    private static void dropDatabase(String db) {
        try (Connection c = DriverManager.getConnection(
                        TestPostgres.url("postgres"), TestPostgres.USER, TestPostgres.PASSWORD);
                Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
        } catch (SQLException e) {
            System.err.println("could not drop " + db + ": " + e.getMessage());
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
