package com.acme.mpc.gateway.service;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.acme.mpc.gateway.metrics.InFlightRequests;
import com.acme.mpc.gateway.testsupport.CapturingUsageSink;
import com.acme.mpc.gateway.testsupport.FakeUpstream;
import com.acme.mpc.gateway.usage.UsageRecord;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Retries, fallbacks, cooldowns and timeouts against a fault-injecting upstream over real HTTP. */
@QuarkusTest
@TestProfile(ResilienceTestResource.Profile.class)
class RetryFallbackCooldownTest {
    private static final String KEY = "Bearer sk-test-master";

    @Inject
    CapturingUsageSink usage;

    @Inject
    MeterRegistry registry;

    @Inject
    InFlightRequests inFlight;

    @TestHTTPResource("/")
    URL url;

    private static FakeUpstream upstream() {
        return ResilienceTestResource.upstream;
    }

    private static String chat(String model, boolean stream) {
        return "{\"model\":\"" + model + "\",\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"hello there\"}]}";
    }

    private static Response post(String body, String requestId) {
        return given().header("Authorization", KEY)
                .header("x-request-id", requestId)
                .body(body)
                .post("/v1/chat/completions");
    }

    @Test
    void retriableFailuresAreRetriedUntilTheUpstreamRecovers() {
        ResilienceTestResource.flaky.set(0);
        long before = upstream().count("flaky");
        String id = UUID.randomUUID().toString();
        post(chat("flaky", false), id)
                .then()
                .statusCode(200)
                .header("x-mpc-attempts", "3")
                .header("x-litellm-attempted-retries", "2")
                .header("x-mpc-fallback", "false")
                .header("x-litellm-model-id", "flaky-1");
        assertThat(upstream().count("flaky") - before).isEqualTo(3);
        // one usage record per client request, whatever the number of attempts
        UsageRecord r = usage.await(id, Duration.ofSeconds(5));
        assertThat(r.status()).isEqualTo("success");
        assertThat(usage.count(id)).isEqualTo(1);
    }

    @Test
    void aRetryGoesToAnotherDeploymentOfTheGroup() {
        long bad = upstream().count("always-500");
        long good = upstream().count("good");
        post(chat("pair", false), UUID.randomUUID().toString())
                .then()
                .statusCode(200)
                .header("x-mpc-attempts", "2")
                .header("x-mpc-deployment-id", "pair-good");
        assertThat(upstream().count("always-500") - bad).isEqualTo(1);
        assertThat(upstream().count("good") - good).isEqualTo(1);
    }

    @Test
    void clientErrorsAreNeverRetried() {
        long before = upstream().count("bad-request");
        String id = UUID.randomUUID().toString();
        post(chat("bad-request", false), id)
                .then()
                .statusCode(400)
                .header("x-mpc-attempts", "1")
                .body("error.param", equalTo("temperature"));
        assertThat(upstream().count("bad-request") - before).isEqualTo(1);
        long before422 = upstream().count("unprocessable");
        post(chat("unprocessable", false), UUID.randomUUID().toString()).then().statusCode(422);
        assertThat(upstream().count("unprocessable") - before422).isEqualTo(1);
        assertThat(usage.await(id, Duration.ofSeconds(5)).httpStatus()).isEqualTo(400);
    }

    @Test
    void aShortRetryAfterIsHonouredAndALongOneAnsweredAtOnce() {
        ResilienceTestResource.limitedOnce.set(0);
        post(chat("limited-once", false), UUID.randomUUID().toString())
                .then()
                .statusCode(200)
                .header("x-mpc-attempts", "2");
        long before = upstream().count("limited-long");
        // retry-after 30 s > max_retry_after 5 s: waiting would only hold the client; the 429 goes back with the hint
        post(chat("limited-long", false), UUID.randomUUID().toString())
                .then()
                .statusCode(429)
                .header("retry-after", "30")
                .header("x-mpc-attempts", "1")
                .body("error.type", equalTo("requests"));
        assertThat(upstream().count("limited-long") - before).isEqualTo(1);
    }

    @Test
    void aResetConnectionIsRetried() {
        ResilienceTestResource.resetOnce.set(0);
        post(chat("reset-once", false), UUID.randomUUID().toString())
                .then()
                .statusCode(200)
                .header("x-mpc-attempts", "2");
    }

    @Test
    void aTimeoutFailsOverToTheOtherDeployment() {
        post(chat("slow-pair", false), UUID.randomUUID().toString())
                .then()
                .statusCode(200)
                .header("x-mpc-deployment-id", "slow-good")
                .header("x-mpc-attempts", "2");
    }

    @Test
    void anthropicOverloadIsRetriedButASpendLimitIsNot() {
        ResilienceTestResource.overloadedOnce.set(0);
        post(chat("claude", false), UUID.randomUUID().toString())
                .then()
                .statusCode(200)
                .header("x-mpc-attempts", "2")
                .body("choices[0].message.content", equalTo("Hello! How can I help you today?"));
        long before = upstream().count("claude-spend-limit");
        post(chat("claude-capped", false), UUID.randomUUID().toString())
                .then()
                .statusCode(429)
                .header("x-mpc-attempts", "1")
                .body("error.code", equalTo("enforced_spend_limit_reached"));
        assertThat(upstream().count("claude-spend-limit") - before).isEqualTo(1);
    }

    @Test
    void afterItsRetriesAGroupFallsBackToTheConfiguredGroup() {
        long before = upstream().count("always-500");
        String id = UUID.randomUUID().toString();
        post(chat("down", false), id)
                .then()
                .statusCode(200)
                .header("x-mpc-fallback", "true")
                .header("x-mpc-fallback-group", "backup")
                .header("x-litellm-attempted-fallbacks", "1")
                .header("x-mpc-deployment-id", "backup-1")
                .body("choices[0].message.content", equalTo("served by the backup group"));
        // 1 + 2 retries on "down" (its single deployment), unless it was already cooling down from another test
        assertThat(upstream().count("always-500") - before).isBetween(1L, 3L);
        UsageRecord r = usage.await(id, Duration.ofSeconds(5));
        assertThat(r.deploymentId()).isEqualTo("backup-1");
        assertThat(usage.count(id)).isEqualTo(1);
    }

    @Test
    void aContextLengthErrorFallsBackToTheLargerContextGroupWithoutRetry() {
        long before = upstream().count("small");
        post(chat("small", false), UUID.randomUUID().toString())
                .then()
                .statusCode(200)
                .header("x-mpc-fallback", "true")
                .header("x-mpc-deployment-id", "big-1")
                .body("choices[0].message.content", equalTo("served by the big-context group"));
        assertThat(upstream().count("small") - before).isEqualTo(1);
    }

    @Test
    void aContentPolicyRefusalFallsBackToTheContentPolicyGroup() {
        long before = upstream().count("policy");
        post(chat("policy", false), UUID.randomUUID().toString())
                .then()
                .statusCode(200)
                .header("x-mpc-fallback-group", "backup")
                .body("choices[0].message.content", equalTo("served by the backup group"));
        assertThat(upstream().count("policy") - before).isEqualTo(1);
    }

    @Test
    void aStreamWhoseFirstChunkDoesNotComeInTimeFailsOverToAnotherDeployment() {
        String body = post(chat("stream-slow-pair", true), UUID.randomUUID().toString())
                .then()
                .statusCode(200)
                .header("x-mpc-deployment-id", "stream-slow-good")
                .header("x-mpc-attempts", "2")
                .extract()
                .asString();
        assertThat(body).contains("\"content\":\"Paris\"").doesNotContain("\"error\"");
        assertThat(body.trim()).endsWith("data: [DONE]");
    }

    @Test
    void retriesFallbacksAndCooldownsAreCountedInMetrics() {
        post(chat("down", false), UUID.randomUUID().toString()).then().statusCode(200);
        String metrics =
                given().get("/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics)
                .containsPattern(
                        "gateway_router_fallbacks_total\\{[^}]*fallback_group=\"backup\"[^}]*model_group=\"down\"")
                .containsPattern("gateway_router_retries_total\\{[^}]*model_group=\"down\"")
                .containsPattern("gateway_deployment_cooldowns_total\\{deployment=\"down-1\",model_group=\"down\","
                        + "provider=\"openai\",}");
    }

    private double count(String name, String... tags) {
        return registry.find(name).tags(tags).counters().stream()
                .mapToDouble(Counter::count)
                .sum();
    }

    private double coolingDown(String deployment) {
        return registry.get("gateway_deployment_cooling_down")
                .tag("deployment", deployment)
                .gauge()
                .value();
    }

    @Test
    void theDeploymentStateGaugeIsOneWhileADeploymentCoolsDownAndZeroAfter() {
        assertThat(coolingDown("watched-bad")).isZero();
        double retries = count("gateway_router_retries", "model_group", "watched");
        double cooldowns = count("gateway_deployment_cooldowns", "deployment", "watched-bad");
        // allowed_fails 1: the second failure within a minute cools watched-bad down (one more request if the
        // first two straddle a minute boundary); each request fails on watched-bad, then retries on watched-good
        int sent = 0;
        while (coolingDown("watched-bad") == 0 && sent < 4) {
            post(chat("watched", false), UUID.randomUUID().toString())
                    .then()
                    .statusCode(200)
                    .header("x-mpc-deployment-id", "watched-good");
            sent++;
        }
        assertThat(coolingDown("watched-bad")).isEqualTo(1);
        assertThat(coolingDown("watched-good")).isZero();
        assertThat(count("gateway_deployment_cooldowns", "deployment", "watched-bad") - cooldowns)
                .isEqualTo(1);
        assertThat(count("gateway_router_retries", "model_group", "watched") - retries)
                .isEqualTo(sent);
        assertThat(given().get("/metrics").then().extract().asString())
                .contains("gateway_deployment_cooling_down{deployment=\"watched-bad\",model_group=\"watched\","
                        + "provider=\"openai\",} 1.0");
        // cooldown_time is 2 s
        awaitTrue(() -> coolingDown("watched-bad") == 0, Duration.ofSeconds(15));
    }

    @Test
    void aContentPolicyFallbackIsCountedOnceWithoutARetry() {
        double fallbacks = count("gateway_router_fallbacks", "model_group", "policy", "fallback_group", "backup");
        double retries = count("gateway_router_retries", "model_group", "policy");
        post(chat("policy", false), UUID.randomUUID().toString()).then().statusCode(200);
        post(chat("policy", false), UUID.randomUUID().toString()).then().statusCode(200);
        assertThat(count("gateway_router_fallbacks", "model_group", "policy", "fallback_group", "backup") - fallbacks)
                .isEqualTo(2);
        assertThat(count("gateway_router_retries", "model_group", "policy") - retries)
                .isZero();
    }

    @Test
    void aRequestIsInFlightUntilItsClientGoesAway() throws Exception {
        awaitTrue(() -> inFlight.current() == 0, Duration.ofSeconds(10));
        String body = chat("hang-long", false);
        try (Socket socket = new Socket("127.0.0.1", url.getPort())) {
            String head = "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + KEY
                    + "\r\nContent-Type: application/json\r\nContent-Length: "
                    + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n";
            socket.getOutputStream().write((head + body).getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
            awaitTrue(() -> inFlight.current() == 1, Duration.ofSeconds(10));
            assertThat(given().get("/metrics").then().extract().asString()).contains("gateway_requests_in_flight 1.0");
        }
        // the upstream never answers: only the client closing the connection ends the request
        awaitTrue(() -> inFlight.current() == 0, Duration.ofSeconds(10));
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime())
                    .as("condition not met within " + limit)
                    .isLessThan(deadline);
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    @Test
    void aRequestCanNameItsOwnFallbacksAndRetries() {
        long before = upstream().count("always-500");
        given().header("Authorization", KEY)
                .body("{\"model\":\"pair\",\"num_retries\":0,\"fallbacks\":[\"backup\"],"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .post("/v1/chat/completions")
                .then()
                .statusCode(200);
        assertThat(upstream().count("always-500") - before).isLessThanOrEqualTo(1);
        given().header("Authorization", KEY)
                .body(
                        "{\"model\":\"pair\",\"fallbacks\":[\"nope\"],\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .post("/v1/chat/completions")
                .then()
                .statusCode(400)
                .body("error.param", equalTo("fallbacks"));
    }

    @Test
    void aFailingDeploymentCoolsDownThenGetsTrafficAgain() throws Exception {
        // allowed_fails 1: the second failure within the minute cools cool-bad down for cooldown_time (2 s)
        for (int i = 0; i < 2; i++) {
            post(chat("cool", false), UUID.randomUUID().toString())
                    .then()
                    .statusCode(200)
                    .header("x-mpc-deployment-id", "cool-good");
        }
        long badBefore = upstream().count("cool-bad");
        for (int i = 0; i < 5; i++) {
            post(chat("cool", false), UUID.randomUUID().toString())
                    .then()
                    .statusCode(200)
                    .header("x-mpc-attempts", "1")
                    .header("x-mpc-deployment-id", "cool-good");
        }
        assertThat(upstream().count("cool-bad")).isEqualTo(badBefore);
        Thread.sleep(2300);
        // the cooldown is over: the (cheaper) bad deployment is tried first again, and fails over
        post(chat("cool", false), UUID.randomUUID().toString())
                .then()
                .statusCode(200)
                .header("x-mpc-attempts", "2");
        assertThat(upstream().count("cool-bad")).isEqualTo(badBefore + 1);
    }

    @Test
    void aStreamIsRetriedWhileNothingReachedTheClient() {
        ResilienceTestResource.streamFailOnce.set(0);
        String id = UUID.randomUUID().toString();
        String body = post(chat("stream-retry", true), id)
                .then()
                .statusCode(200)
                .header("x-mpc-attempts", "2")
                .header("content-type", "text/event-stream")
                .extract()
                .asString();
        assertThat(body).contains("\"content\":\"Paris\"").doesNotContain("\"error\"");
        assertThat(body.trim()).endsWith("data: [DONE]");
        assertThat(usage.await(id, Duration.ofSeconds(5)).status()).isEqualTo("success");
        assertThat(usage.count(id)).isEqualTo(1);
    }

    @Test
    void aStreamThatFailsAfterItsFirstChunkEndsWithAnErrorEventAndIsNotRetried() {
        long before = upstream().count("drop-stream");
        String id = UUID.randomUUID().toString();
        String body = post(chat("drop-stream", true), id)
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertThat(body).contains("data: {\"error\":{");
        assertThat(body.trim()).endsWith("data: [DONE]");
        assertThat(upstream().count("drop-stream") - before).isEqualTo(1);
        UsageRecord r = usage.await(id, Duration.ofSeconds(5));
        assertThat(r.status()).isEqualTo("failure");
        assertThat(r.completionTokens()).isGreaterThan(0);
    }

    @Test
    void aDeploymentAtItsRpmLimitAnswers429WithRetryAfter() {
        String chat = chat("tight", false);
        int ok = 0;
        Response last = null;
        for (int i = 0; i < 3; i++) {
            last = post(chat, UUID.randomUUID().toString());
            if (last.statusCode() == 200) {
                ok++;
            }
        }
        assertThat(ok).isEqualTo(2);
        last.then()
                .statusCode(429)
                .header("retry-after", org.hamcrest.Matchers.notNullValue())
                .body("error.type", equalTo("rate_limit_error"))
                .body("error.code", equalTo("rate_limit_exceeded"));
    }
}
