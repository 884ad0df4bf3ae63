package com.acme.mpc.gateway.keys;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.acme.mpc.gateway.api.Authenticator;
import com.acme.mpc.gateway.cache.RedisLink;
import com.acme.mpc.gateway.testsupport.TestConfigFiles;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A running gateway (HTTP, Redis configured in {@code router_settings}, virtual keys from {@link FakeCostTracker}) and
 * a second replica's key limits on their own Redis connection: a key's rpm and a team's parallel limit count the calls
 * of both, and the gateway answers the call over the limit 429 in OpenAI's shape with LiteLLM's message. The counters
 * live under a random namespace that is deleted afterwards.
 */
@QuarkusTest
@TestProfile(KeyLimitsAcrossReplicasHttpTest.Profile.class)
class KeyLimitsAcrossReplicasHttpTest {
    // the profile is read in Quarkus' class loader, the test runs in another: a random value would differ between them
    static final String NS = "mpc-test-limits-http-" + ProcessHandle.current().pid();
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static Vertx vertx;
    private static RedisLink link;

    public static class Profile implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(FakeCostTracker.class));
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            String yaml = """
                    model_list:
                      - model_name: demo-chat
                        litellm_params: {model: openai/gpt-4o-mini, mock_response: "Hello from a replica."}
                        model_info: {id: limits-demo-chat}
                    router_settings: {redis_host: 127.0.0.1, redis_port: 6379}
                    general_settings:
                      master_key: sk-test-master
                    """;
            return Map.of(
                    "gateway.config-file",
                    TestConfigFiles.write("gateway-limits-", yaml),
                    "gateway.key-limits.redis-namespace",
                    NS);
        }
    }

    @BeforeAll
    static void replica() {
        KeyLimitsSharedThroughRedisTest.assumeRedis();
        vertx = Vertx.vertx();
        link = new RedisLink(vertx, "replica-b", "127.0.0.1", 6379, null, null);
        link.call(api -> api.ping(List.of()))
                .onFailure()
                .retry()
                .withBackOff(Duration.ofMillis(200))
                .atMost(10)
                .await()
                .atMost(Duration.ofSeconds(30));
    }

    @AfterAll
    static void cleanUp() {
        if (link == null) {
            return;
        }
        io.vertx.mutiny.redis.client.Response keys =
                link.call(api -> api.keys(NS + "*")).await().atMost(WAIT);
        List<String> names = new ArrayList<>();
        keys.forEach(k -> names.add(k.toString()));
        if (!names.isEmpty()) {
            link.call(api -> api.del(names)).await().atMost(WAIT);
        }
        link.close();
        vertx.closeAndAwait();
    }

    private static KeyLimits otherReplica() {
        return new KeyLimits(
                System::currentTimeMillis, new SharedKeyLimits(link, NS), List.of(new SimpleMeterRegistry()));
    }

    /** Registers a key in the stand-in cost-tracker and returns the raw key and its parsed record. */
    private static Map.Entry<String, KeyInfo> key(JsonObject fields) {
        String raw = FakeCostTracker.newKey(fields);
        JsonObject k = FakeCostTracker.keys.get(Authenticator.sha256Hex(raw));
        return Map.entry(raw, KeyInfo.parse(com.acme.mpc.gateway.core.Json.objectOrNull(k.encode())));
    }

    private static Response chat(String key) {
        return given().header("Authorization", "Bearer " + key)
                .contentType(ContentType.JSON)
                .body("{\"model\":\"demo-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .post("/v1/chat/completions");
    }

    @Test
    void aKeyWithRpm3GetsThreeCallsAcrossBothReplicasThen429() {
        KeyLimits b = otherReplica();
        // a minute boundary between the calls would reset the window: retry the scenario once if that happened
        for (int attempt = 0; attempt < 2; attempt++) {
            long minute = System.currentTimeMillis() / 60_000;
            Map.Entry<String, KeyInfo> k = key(new JsonObject().put("rpm_limit", 3));
            b.admitShared(k.getValue()).await().atMost(WAIT).release();
            b.admitShared(k.getValue()).await().atMost(WAIT).release();
            Response third = chat(k.getKey());
            Response fourth = chat(k.getKey());
            if (System.currentTimeMillis() / 60_000 != minute) {
                continue;
            }
            assertThat(third.statusCode()).isEqualTo(200);
            assertThat(fourth.statusCode()).isEqualTo(429);
            assertThat(Integer.parseInt(fourth.header("retry-after"))).isBetween(1, 60);
            assertThat(fourth.jsonPath().getString("error.type")).isEqualTo("rate_limit_error");
            assertThat(fourth.jsonPath().getString("error.code")).isEqualTo("rpm_limit_exceeded");
            assertThat(fourth.jsonPath().getString("error.message"))
                    .startsWith("LiteLLM Rate Limit Handler for rate limit type = key. Crossed TPM / RPM / Max Parallel"
                            + " Request Limit. current rpm: 3, rpm limit: 3")
                    .contains(k.getValue().label());
            // the other replica is refused too
            assertThat(b.admitShared(k.getValue())
                            .map(s -> "admitted")
                            .onFailure()
                            .recoverWithItem("refused")
                            .await()
                            .atMost(WAIT))
                    .isEqualTo("refused");
            return;
        }
        throw new AssertionError("the minute changed twice during the scenario");
    }

    @Test
    void aTeamsParallelSlotsHeldOnOneReplicaRefuseTheOthersCallsUntilReleased() {
        KeyLimits b = otherReplica();
        String teamId = "team-" + UUID.randomUUID();
        JsonObject team = new JsonObject()
                .put("team_id", teamId)
                .put("models", new JsonArray())
                .put("max_parallel_requests", 1);
        Map.Entry<String, KeyInfo> k1 =
                key(new JsonObject().put("team_id", teamId).put("team", team));
        Map.Entry<String, KeyInfo> k2 =
                key(new JsonObject().put("team_id", teamId).put("team", team));
        assertThat(k1.getValue().team()).isNotNull();
        KeyLimits.Slot held = b.admitShared(k1.getValue()).await().atMost(WAIT);
        Response refused = chat(k2.getKey());
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.jsonPath().getString("error.code")).isEqualTo("max_parallel_requests_exceeded");
        assertThat(refused.jsonPath().getString("error.message"))
                .startsWith("LiteLLM Rate Limit Handler for rate limit type = team.")
                .contains(teamId);
        held.release();
        // the release is fire-and-forget: the gateway serves the team again once it has reached Redis
        long deadline = System.nanoTime() + WAIT.toNanos();
        int status = 0;
        while (System.nanoTime() < deadline && status != 200) {
            status = chat(k2.getKey()).statusCode();
        }
        assertThat(status).isEqualTo(200);
        // and the gateway gave its own slot back when its call ended (fire-and-forget too)
        deadline = System.nanoTime() + WAIT.toNanos();
        String outcome = "refused";
        while (System.nanoTime() < deadline && !outcome.equals("admitted")) {
            outcome = b.admitShared(k1.getValue())
                    .map(s -> {
                        s.release();
                        return "admitted";
                    })
                    .onFailure()
                    .recoverWithItem("refused")
                    .await()
                    .atMost(WAIT);
        }
        assertThat(outcome).isEqualTo("admitted");
    }
}
