package com.acme.mpc.gateway.cache;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** With the cache's Redis unreachable, requests are still served (as misses), and readiness and metrics say so. */
@QuarkusTest
@TestProfile(CacheTestResource.RedisDown.class)
class RedisDownCacheTest {
    private static final String KEY = "Bearer sk-test-master";

    @Test
    void requestsAreServedAsMissesAndTheOutageIsReported() {
        String body =
                "{\"model\":\"cached-chat\",\"stream\":STREAM,\"messages\":[{\"role\":\"user\",\"content\":\"down "
                        + UUID.randomUUID() + "\"}]}";
        for (int i = 0; i < 3; i++) {
            given().header("Authorization", KEY)
                    .body(body.replace("STREAM", "false"))
                    .post("/v1/chat/completions")
                    .then()
                    .statusCode(200)
                    .header("x-mpc-cache", "MISS")
                    .body("object", equalTo("chat.completion"));
        }
        given().header("Authorization", KEY)
                .body(body.replace("STREAM", "true"))
                .post("/v1/chat/completions")
                .then()
                .statusCode(200)
                .body(containsString("data: [DONE]"));
        given().get("/health/readiness")
                .then()
                .statusCode(200)
                .body("status", equalTo("healthy"))
                .body("cache", equalTo("redis: unavailable"))
                .body("redis.cache", equalTo("unavailable"));
        String metrics =
                given().get("/metrics").then().statusCode(200).extract().asString();
        org.assertj.core.api.Assertions.assertThat(metrics)
                .containsPattern("gateway_redis_up\\{[^}]*use=\"cache\"[^}]*\\} 0(\\.0)?\\b");
    }
}
