package com.acme.mpc.gateway.cache;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The Redis response cache through the gateway's HTTP API, against the real Redis at 127.0.0.1:6379. */
@QuarkusTest
@TestProfile(CacheTestResource.Redis.class)
class RedisResponseCacheTest {
    private static final String KEY = "Bearer sk-test-master";

    @AfterAll
    static void deleteOurNamespace() {
        Vertx vertx = Vertx.vertx();
        RedisLink link = new RedisLink(vertx, "cleanup", "127.0.0.1", 6379, null, null);
        try {
            Response keys = link.call(api -> api.keys(CacheTestResource.namespace + ":*"))
                    .await()
                    .atMost(Duration.ofSeconds(5));
            List<String> names = new ArrayList<>();
            keys.forEach(k -> names.add(k.toString()));
            if (!names.isEmpty()) {
                link.call(api -> api.del(names)).await().atMost(Duration.ofSeconds(5));
            }
        } finally {
            link.close();
            vertx.closeAndAwait();
        }
    }

    @Test
    void answersAreStoredInRedisUnderTheConfiguredNamespaceAndServedFromThere() {
        TwoReplicasSharingRedisTest.assumeRedis();
        String body = "{\"model\":\"cached-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"redis "
                + UUID.randomUUID() + "\"}]}";
        long before = CacheTestResource.upstream.requests().size();
        given().header("Authorization", KEY)
                .body(body)
                .post("/v1/chat/completions")
                .then()
                .statusCode(200)
                .header("x-mpc-cache", "MISS");
        String key = given().header("Authorization", KEY)
                .body(body)
                .post("/v1/chat/completions")
                .then()
                .statusCode(200)
                .header("x-mpc-cache", "HIT")
                .header("x-litellm-cache-key", startsWith(CacheTestResource.namespace + ":"))
                .extract()
                .header("x-litellm-cache-key");
        assertThat(CacheTestResource.upstream.requests().size() - before).isEqualTo(1);
        Vertx vertx = Vertx.vertx();
        RedisLink link = new RedisLink(vertx, "check", "127.0.0.1", 6379, null, null);
        try {
            Response ttl = link.call(api -> api.pttl(key)).await().atMost(Duration.ofSeconds(5));
            assertThat(ttl.toLong()).isBetween(1L, 60_000L);
        } finally {
            link.close();
            vertx.closeAndAwait();
        }
        given().get("/health/readiness").then().statusCode(200).body("cache", equalTo("redis: ok"));
    }
}
