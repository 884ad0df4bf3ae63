package com.acme.mpc.gateway.cache;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import com.acme.mpc.gateway.config.ConfigLoader;
import com.acme.mpc.gateway.config.GatewayConfig;
import com.acme.mpc.gateway.core.CallType;
import com.acme.mpc.gateway.core.Json;
import com.acme.mpc.gateway.routing.Router;
import com.acme.mpc.gateway.routing.RouterProducer;
import com.acme.mpc.gateway.routing.SharedRouterState;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A running gateway (HTTP) and a second replica (its routing and cache components on their own Redis connection,
 * same config) against the real Redis at 127.0.0.1:6379: they share one deployment's rpm limit and the response
 * cache. Only this run's keys (its deployment id, its cache namespace) are deleted afterwards.
 */
@QuarkusTest
@TestProfile(CacheTestResource.RedisShared.class)
class GatewayAndReplicaSharingRedisTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final String KEY = "Bearer sk-test-master";
    private static Vertx vertx;
    private static RedisLink link;
    private static GatewayConfig config;

    @BeforeAll
    static void replica() {
        TwoReplicasSharingRedisTest.assumeRedis();
        vertx = Vertx.vertx();
        link = new RedisLink(vertx, "replica-b", "127.0.0.1", 6379, null, null);
        // the first command also opens the connection; on a busy machine that can exceed one command timeout
        link.call(api -> api.ping(List.of()))
                .onFailure()
                .retry()
                .withBackOff(Duration.ofMillis(200))
                .atMost(10)
                .await()
                .atMost(Duration.ofSeconds(30));
        config = new ConfigLoader(n -> null).parse(CacheTestResource.yaml, "replica-b");
    }

    @AfterAll
    static void cleanUp() {
        if (link == null) {
            return;
        }
        List<String> names = new ArrayList<>();
        for (String pattern : List.of(
                RouterProducer.NAMESPACE + ":*:" + CacheTestResource.sharedId + "*",
                CacheTestResource.namespace + ":*")) {
            Response keys = link.call(api -> api.keys(pattern)).await().atMost(WAIT);
            keys.forEach(k -> names.add(k.toString()));
        }
        if (!names.isEmpty()) {
            link.call(api -> api.del(names)).await().atMost(WAIT);
        }
        link.close();
        vertx.closeAndAwait();
    }

    @Test
    void theGatewayAndTheOtherReplicaTogetherRespectOneRpmLimit() {
        Router replicaB = new Router(config, new SharedRouterState(link, RouterProducer.NAMESPACE, null));
        // replica B takes 2 of the deployment's 3 requests this minute
        replicaB.acquire("shared-limited", null).await().atMost(WAIT);
        replicaB.acquire("shared-limited", null).await().atMost(WAIT);
        String chat = "{\"model\":\"shared-limited\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                + "\"cache\":{\"no-cache\":true,\"no-store\":true}}";
        given().header("Authorization", KEY)
                .body(chat)
                .post("/v1/chat/completions")
                .then()
                .statusCode(200);
        given().header("Authorization", KEY)
                .body(chat)
                .post("/v1/chat/completions")
                .then()
                .statusCode(429)
                .header("retry-after", notNullValue())
                .body("error.code", equalTo("rate_limit_exceeded"));
    }

    @Test
    void anAnswerTheGatewayCachedIsServedByTheOtherReplica() {
        String body = "{\"model\":\"cached-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"shared "
                + UUID.randomUUID() + "\"}]}";
        String answer = given().header("Authorization", KEY)
                .body(body)
                .post("/v1/chat/completions")
                .then()
                .statusCode(200)
                .header("x-mpc-cache", "MISS")
                .extract()
                .asString();
        ResponseCache replicaB = new ResponseCache(config.cache(), new RedisResponseStore(link));
        ObjectNode request = Json.objectOrNull(body);
        ResponseCache.Lookup lookup =
                replicaB.lookupFor(CallType.CHAT_COMPLETION, "cached-chat", request, CacheControls.NONE);
        ResponseCache.Hit hit = null;
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (hit == null && System.nanoTime() < deadline) {
            hit = replicaB.get(lookup).await().atMost(WAIT);
        }
        assertThat(hit).isNotNull();
        assertThat(hit.answer()).isEqualTo(Json.objectOrNull(answer));
    }
}
