package com.acme.mpc.gateway.keys;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;

import com.acme.mpc.gateway.api.Authenticator;
import com.acme.mpc.gateway.testsupport.CapturingUsageSink;
import com.acme.mpc.gateway.usage.UsageRecord;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Virtual keys through a stand-in cost-tracker ({@link FakeCostTracker}) speaking the contract over real HTTP. */
@QuarkusTest
@TestProfile(VirtualKeysTest.Profile.class)
class VirtualKeysTest {
    public static class Profile implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(FakeCostTracker.class));
        }
    }

    @Inject
    CapturingUsageSink usage;

    private static final String CHAT = "{\"model\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]%s}";

    private static String key(JsonObject fields) {
        return FakeCostTracker.newKey(fields);
    }

    private static Response chat(String key, String model, String extra) {
        return given().header("Authorization", "Bearer " + key)
                .contentType(ContentType.JSON)
                .body(CHAT.formatted(model, extra))
                .post("/v1/chat/completions");
    }

    @Test
    void aValidKeyIsServedAndItsLookupIsCached() {
        String key = key(new JsonObject().put("team_id", "team-a").put("key_alias", "app-one"));
        String requestId = "vk-" + UUID.randomUUID();
        given().header("Authorization", "Bearer " + key)
                .header("x-request-id", requestId)
                .contentType(ContentType.JSON)
                .body(CHAT.formatted("demo-chat", ""))
                .post("/v1/chat/completions")
                .then()
                .statusCode(200);
        chat(key, "demo-chat", "").then().statusCode(200);
        chat(key, "demo-chat", "").then().statusCode(200);
        assertThat(FakeCostTracker.lookups.get(Authenticator.sha256Hex(key)).get())
                .isEqualTo(1);
        UsageRecord r = usage.await(requestId, Duration.ofSeconds(5));
        assertThat(r.keyHash()).isEqualTo(Authenticator.sha256Hex(key));
        assertThat(r.keyAlias()).isEqualTo("app-one");
        assertThat(r.teamId()).isEqualTo("team-a");
        // no budget: nothing reserved
        assertThat(FakeCostTracker.reservations).noneMatch(x -> r.eventId().equals(x.getString("request_id")));
    }

    @Test
    void unknownBlockedAndExpiredKeysGet401() {
        String unknown = "sk-unknown-" + UUID.randomUUID();
        chat(unknown, "demo-chat", "")
                .then()
                .statusCode(401)
                .body("error.message", equalTo("invalid API key"))
                .body("error.type", equalTo("authentication_error"))
                .body("error.message", org.hamcrest.Matchers.not(containsString(unknown)));
        chat(unknown, "demo-chat", "").then().statusCode(401);
        // the unknown key is cached too: cost-tracker asked once
        assertThat(FakeCostTracker.lookups.get(Authenticator.sha256Hex(unknown)).get())
                .isEqualTo(1);

        String blocked = key(new JsonObject().put("blocked", true));
        chat(blocked, "demo-chat", "").then().statusCode(401).body("error.message", containsString("key is blocked"));

        String expired = key(
                new JsonObject().put("expires", Instant.now().minusSeconds(60).toString()));
        chat(expired, "demo-chat", "").then().statusCode(401).body("error.message", containsString("key expired"));

        String future = key(
                new JsonObject().put("expires", Instant.now().plusSeconds(3600).toString()));
        chat(future, "demo-chat", "").then().statusCode(200);
    }

    @Test
    void aKeyReachesOnlyItsModelsAndListsOnlyThem() {
        String key = key(new JsonObject().put("models", new JsonArray().add("demo-chat")));
        chat(key, "demo-chat", "").then().statusCode(200);
        chat(key, "upstream-chat", "")
                .then()
                .statusCode(401)
                .body("error.type", equalTo("key_model_access_denied"))
                .body("error.param", equalTo("model"))
                .body("error.message", containsString("Tried to access upstream-chat"));
        List<String> ids = given().header("Authorization", "Bearer " + key)
                .get("/v1/models")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("data.id");
        assertThat(ids).containsExactly("demo-chat");
        // an unrestricted key and the master key see every group
        String all = key(new JsonObject());
        assertThat(given().header("Authorization", "Bearer " + all)
                        .get("/models")
                        .jsonPath()
                        .getList("data.id"))
                .contains("demo-chat", "upstream-chat");
        given().header("Authorization", "Bearer sk-unknown")
                .get("/models")
                .then()
                .statusCode(401);
    }

    @Test
    void rpmLimitAnswers429WithRetryAfter() {
        String key = key(new JsonObject().put("rpm_limit", 2));
        // a minute boundary between the calls would reset the window: retry the scenario once if that happened
        for (int attempt = 0; attempt < 2; attempt++) {
            int ok = 0;
            Response third = null;
            for (int i = 0; i < 3; i++) {
                Response r = chat(key, "demo-chat", "");
                if (r.statusCode() == 200) {
                    ok++;
                } else {
                    third = r;
                }
            }
            if (third != null) {
                assertThat(ok).isEqualTo(2);
                assertThat(third.statusCode()).isEqualTo(429);
                assertThat(third.header("retry-after")).isNotNull();
                assertThat(Integer.parseInt(third.header("retry-after"))).isBetween(1, 60);
                assertThat(third.jsonPath().getString("error.type")).isEqualTo("rate_limit_error");
                assertThat(third.jsonPath().getString("error.code")).isEqualTo("rpm_limit_exceeded");
                return;
            }
            key = key(new JsonObject().put("rpm_limit", 2));
        }
        throw new AssertionError("rpm limit never applied");
    }

    @Test
    void tpmLimitCountsTheTokensOfFinishedCalls() {
        String key = key(new JsonObject().put("tpm_limit", 1));
        chat(key, "demo-chat", "").then().statusCode(200);
        Response r = chat(key, "demo-chat", "");
        if (r.statusCode() == 200) {
            return; // the minute changed between the calls; the window reset as it should
        }
        r.then()
                .statusCode(429)
                .body("error.code", equalTo("tpm_limit_exceeded"))
                .header("retry-after", notNullValue());
    }

    @Test
    void parallelLimitCountsCallsInFlightAndFreesTheSlotWhenTheyEnd() throws Exception {
        String key = key(new JsonObject().put("max_parallel_requests", 1));
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            // "hang" never answers; the gateway gives up after its 0.5 s timeout
            int hangsBefore = hangRequests();
            Future<Integer> slow = pool.submit(() -> chat(key, "hang", "").statusCode());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (hangRequests() == hangsBefore && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(hangRequests()).as("the first call reached the upstream").isGreaterThan(hangsBefore);
            Response second = chat(key, "demo-chat", "");
            if (slow.isDone()) {
                return; // the machine was too slow to catch the first call in flight: nothing to assert
            }
            assertThat(second.statusCode()).isEqualTo(429);
            assertThat(second.header("retry-after")).isEqualTo("1");
            assertThat(second.jsonPath().getString("error.code")).isEqualTo("max_parallel_requests_exceeded");
            assertThat(slow.get(10, TimeUnit.SECONDS)).isNotEqualTo(200);
            chat(key, "demo-chat", "").then().statusCode(200);
        } finally {
            pool.shutdownNow();
        }
    }

    private static int hangRequests() {
        return (int) com.acme.mpc.gateway.testsupport.GatewayTestResource.upstream.requests().stream()
                .filter(r -> r.body().contains("\"hang\""))
                .count();
    }

    @Test
    void aClientDisconnectFreesTheParallelSlot() throws Exception {
        String key = key(new JsonObject().put("max_parallel_requests", 1));
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        java.net.http.HttpResponse<java.io.InputStream> resp = http.send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(io.restassured.RestAssured.baseURI + ":"
                                + io.restassured.RestAssured.port + "/v1/chat/completions"))
                        .header("Authorization", "Bearer " + key)
                        .header("content-type", "application/json")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                                CHAT.formatted("slow-stream", ",\"stream\":true")))
                        .build(),
                java.net.http.HttpResponse.BodyHandlers.ofInputStream());
        assertThat(resp.statusCode()).isEqualTo(200);
        java.io.BufferedReader r = new java.io.BufferedReader(
                new java.io.InputStreamReader(resp.body(), java.nio.charset.StandardCharsets.UTF_8));
        assertThat(r.readLine()).startsWith("data: ");
        // while the stream runs, the key has no free slot
        chat(key, "demo-chat", "").then().statusCode(429);
        resp.body().close();
        // the upstream is cancelled, so only the disconnect can free the slot
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        int status = 0;
        while (System.nanoTime() < deadline
                && (status = chat(key, "demo-chat", "").statusCode()) != 200) {
            Thread.sleep(50);
        }
        assertThat(status).isEqualTo(200);
    }

    @Test
    void budgetIsReservedBeforeTheCallAndExhaustionAnswers429() {
        // demo-chat prices: 0.00000015 in, 0.0000006 out; max_tokens 1000 -> 0.0006 + a small prompt estimate
        String key = key(new JsonObject().put("max_budget", "0.0015"));
        String requestId = "budget-" + UUID.randomUUID();
        // the reservation is made under the call's own id (the x-litellm-call-id), not the client's x-request-id
        String callId = given().header("Authorization", "Bearer " + key)
                .header("x-request-id", requestId)
                .contentType(ContentType.JSON)
                .body(CHAT.formatted("demo-chat", ",\"max_tokens\":1000"))
                .post("/v1/chat/completions")
                .then()
                .statusCode(200)
                .extract()
                .header("x-litellm-call-id");
        assertThat(callId).isNotEqualTo(requestId);
        JsonObject reservation = FakeCostTracker.reservations.stream()
                .filter(x -> callId.equals(x.getString("request_id")))
                .findFirst()
                .orElseThrow();
        assertThat(reservation.getString("key_hash")).isEqualTo(Authenticator.sha256Hex(key));
        BigDecimal amount = new BigDecimal(reservation.getString("amount_usd"));
        assertThat(amount).isGreaterThan(new BigDecimal("0.0006")).isLessThan(new BigDecimal("0.0007"));
        // the stand-in never settles: the third call does not fit only because the first two are still reserved
        chat(key, "demo-chat", ",\"max_tokens\":1000").then().statusCode(200);
        chat(key, "demo-chat", ",\"max_tokens\":1000")
                .then()
                .statusCode(429)
                .header("retry-after", "2")
                .body("error.type", equalTo("rate_limit_error"))
                .body("error.code", equalTo("budget_held_by_calls_in_flight"))
                .body("error.message", containsString("in flight"));
    }

    @Inject
    com.acme.mpc.gateway.tokens.PromptTokenCounter tokens;

    @Test
    void theReservationCountsPromptTokensWithTheModelsTokenizerNotTheBodySize() {
        tokens.load();
        // CJK text: 3 bytes a character, about a token each; the body size / 4 would under-reserve it
        String text = "预算必须在调用之前保留一个估计值，否则并发的调用会超支。".repeat(30);
        String key = key(new JsonObject().put("max_budget", "10"));
        // the reservation is keyed by the gateway's own id of the call, never by the client's x-request-id
        String callId = given().header("Authorization", "Bearer " + key)
                .header("x-request-id", "tok-" + UUID.randomUUID())
                .contentType(ContentType.JSON)
                .body("{\"model\":\"demo-chat\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\""
                        + text + "\"}]}")
                .post("/v1/chat/completions")
                .then()
                .statusCode(200)
                .extract()
                .header("x-litellm-call-id");
        long prompt = 3
                + 1
                + com.knuddels.jtokkit.Encodings.newLazyEncodingRegistry()
                        .getEncoding(com.knuddels.jtokkit.api.EncodingType.O200K_BASE)
                        .countTokens(text)
                + 3;
        BigDecimal expected = new BigDecimal("0.00000015")
                .multiply(BigDecimal.valueOf(prompt))
                .add(new BigDecimal("0.0000006").multiply(BigDecimal.TEN));
        BigDecimal reserved = FakeCostTracker.reservations.stream()
                .filter(x -> callId.equals(x.getString("request_id")))
                .map(x -> new BigDecimal(x.getString("amount_usd")))
                .findFirst()
                .orElseThrow();
        assertThat(reserved).isEqualByComparingTo(expected.max(new BigDecimal("0.0001")));
    }

    @Test
    void aUsedUpBudgetAnswers400BudgetExceededWhichSdksDoNotRetry() {
        String key = key(new JsonObject().put("max_budget", "0.0015").put("spend", "0.0014"));
        chat(key, "demo-chat", ",\"max_tokens\":1000")
                .then()
                .statusCode(400)
                .header("retry-after", org.hamcrest.Matchers.nullValue())
                .body("error.type", equalTo("budget_exceeded"))
                .body("error.code", equalTo("budget_exceeded"))
                .body("error.message", containsString("Current cost: 0.0014"));
    }

    @Test
    void aFailedCallGivesItsReservationBack() throws Exception {
        String key = key(new JsonObject().put("max_budget", "1"));
        String requestId = "fail-" + UUID.randomUUID();
        // messages missing: admitted (budget reserved), then answered 400 by the request validation
        String callId = given().header("Authorization", "Bearer " + key)
                .header("x-request-id", requestId)
                .contentType(ContentType.JSON)
                .body("{\"model\":\"demo-chat\",\"max_tokens\":10}")
                .post("/v1/chat/completions")
                .then()
                .statusCode(400)
                .extract()
                .header("x-litellm-call-id");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        List<String> amounts = List.of();
        while (System.nanoTime() < deadline) {
            amounts = FakeCostTracker.reservations.stream()
                    .filter(x -> callId.equals(x.getString("request_id")))
                    .map(x -> x.getString("amount_usd"))
                    .toList();
            if (amounts.size() == 2) {
                break;
            }
            Thread.sleep(20);
        }
        assertThat(amounts).hasSize(2);
        assertThat(new BigDecimal(amounts.get(0))).isPositive();
        assertThat(new BigDecimal(amounts.get(1))).isZero();
    }

    @Test
    void concurrentCallsOnALittleBudgetPassOnlyAsFarAsTheReservationsGo() throws Exception {
        // each call reserves the 0.0001 minimum or more; room for exactly 5 reservations of 0.0001 or fewer
        String key = key(new JsonObject().put("max_budget", "0.0005"));
        String body = ",\"max_tokens\":1";
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> calls = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                calls.add(pool.submit(() -> chat(key, "demo-chat", body).statusCode()));
            }
            int ok = 0;
            int refused = 0;
            for (Future<Integer> f : calls) {
                int status = f.get(30, TimeUnit.SECONDS);
                if (status == 200) {
                    ok++;
                } else if (status == 429) {
                    refused++;
                }
            }
            assertThat(ok).isEqualTo(5);
            assertThat(refused).isEqualTo(19);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aVirtualKeyMayNotCallTheDeepHealthCheck() {
        String key = key(new JsonObject().put("key_alias", "health-prober"));
        given().header("Authorization", "Bearer " + key)
                .get("/health")
                .then()
                .statusCode(401)
                .body("error.type", equalTo("authentication_error"))
                .body("error.message", containsString("master key"))
                .body(not(containsString("api_base")));
        // liveness and readiness stay open (probes carry no key)
        given().header("Authorization", "Bearer " + key)
                .get("/health/liveliness")
                .then()
                .statusCode(200);
        given().get("/q/health/live").then().statusCode(200);
        given().header("Authorization", "Bearer sk-test-master")
                .get("/health")
                .then()
                .statusCode(200);
    }

    @Test
    void metricsDoNotListKeyAliasesByDefault() {
        String key = key(new JsonObject().put("key_alias", "secret-app-alias"));
        chat(key, "demo-chat", "").then().statusCode(200);
        String metrics =
                given().get("/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics)
                .doesNotContain("secret-app-alias")
                .doesNotContain(Authenticator.sha256Hex(key).substring(0, 8))
                .contains("gateway_key_tokens_total{key_alias=\"all\"");
    }

    @Test
    void theSpoolIsVisibleInReadinessAndMetrics() {
        given().get("/health/readiness")
                .then()
                .statusCode(200)
                .body("usage_spool.full", equalTo(false))
                .body("usage_spool.backlog_records", notNullValue())
                .body("usage_spool.not_yet_spooled_records", notNullValue())
                .body("usage_spool.write_ahead_open_calls", notNullValue())
                .body("usage_spool.max_bytes", equalTo(268435456));
        String metrics =
                given().get("/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics)
                .contains("gateway_usage_spool_backlog_records")
                .contains("gateway_usage_spool_bytes")
                .contains("gateway_usage_delivered_total")
                .contains("gateway_usage_delivery_failures_total")
                .contains("gateway_usage_dropped_total");
    }

    @Test
    void aKeyThatCannotBeCheckedGets503() {
        String key = key(new JsonObject());
        FakeCostTracker.failing.add(Authenticator.sha256Hex(key));
        chat(key, "demo-chat", "").then().statusCode(503).body("error.code", equalTo("key_service_unavailable"));
        // the master key does not depend on cost-tracker
        chat("sk-test-master", "demo-chat", "").then().statusCode(200);
    }
}
