package com.acme.mpc.gateway.keys;

import static com.acme.mpc.gateway.testsupport.PackagedApps.GATEWAY_JAR;
import static com.acme.mpc.gateway.testsupport.PackagedApps.JSON;
import static com.acme.mpc.gateway.testsupport.PackagedApps.await;
import static com.acme.mpc.gateway.testsupport.PackagedApps.backlog;
import static com.acme.mpc.gateway.testsupport.PackagedApps.connect;
import static com.acme.mpc.gateway.testsupport.PackagedApps.createDatabase;
import static com.acme.mpc.gateway.testsupport.PackagedApps.dropDatabase;
import static com.acme.mpc.gateway.testsupport.PackagedApps.freePort;
import static com.acme.mpc.gateway.testsupport.PackagedApps.start;
import static com.acme.mpc.gateway.testsupport.PackagedApps.startCostTracker;
import static com.acme.mpc.gateway.testsupport.PackagedApps.status;
import static com.acme.mpc.gateway.testsupport.PackagedApps.stop;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.acme.mpc.gateway.api.Authenticator;
import com.acme.mpc.gateway.testsupport.PackagedApps;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Virtual keys end to end with the real packaged cost-tracker (real PostgreSQL): a key made with /key/generate is
 * accepted, limited to its models, its usage carries its alias and team, concurrent calls on a small budget never
 * spend more than the budget, and blocking it takes effect after the key cache TTL. Skipped without both packaged
 * apps or PostgreSQL (see UsageDeliveryProofIT for how to run).
 */
class VirtualKeysRealCostTrackerIT {
    private static final String MASTER = "sk-keys-it-master";
    private static final BigDecimal BUDGET = new BigDecimal("0.002");

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void virtualKeysAgainstTheRealCostTracker() throws Exception {
        String missing = PackagedApps.missing();
        assumeTrue(missing == null, () -> missing + ": test skipped");

        Path work = Files.createTempDirectory(PackagedApps.MODULE.resolve("target"), "keys-it-");
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
        int gatewayPort = freePort();
        int costTrackerPort = freePort();
        String gateway = "http://127.0.0.1:" + gatewayPort;
        String costTracker = "http://127.0.0.1:" + costTrackerPort;
        Process gw = null;
        Process ct = null;
        String db = createDatabase("gw_keys_");
        try {
            ct = startCostTracker(costTrackerPort, db, MASTER, work.resolve("cost-tracker.log"));
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
            try (Connection c = connect(db);
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
        try (Connection c = connect(db);
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
}
