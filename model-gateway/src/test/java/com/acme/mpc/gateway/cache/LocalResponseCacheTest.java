package com.acme.mpc.gateway.cache;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.acme.mpc.gateway.testsupport.CapturingUsageSink;
import com.acme.mpc.gateway.usage.UsageRecord;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The in-process response cache ({@code cache_params.type: local}) over real HTTP. */
@QuarkusTest
@TestProfile(CacheTestResource.Local.class)
class LocalResponseCacheTest {
    private static final String KEY = "Bearer sk-test-master";

    @Inject
    CapturingUsageSink usage;

    static String chat(String content, String extra) {
        return "{\"model\":\"cached-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"" + content + "\"}]" + extra
                + "}";
    }

    static Response post(String body, String id) {
        return given().header("Authorization", KEY)
                .header("x-request-id", id)
                .body(body)
                .post("/v1/chat/completions");
    }

    static long upstreamCalls() {
        return CacheTestResource.upstream.requests().size();
    }

    @Test
    void aRepeatedRequestIsAnsweredFromTheCacheWithZeroCost() {
        String body = chat("cache me " + UUID.randomUUID(), ",\"temperature\":0.2");
        long before = upstreamCalls();
        String first = post(body, UUID.randomUUID().toString())
                .then()
                .statusCode(200)
                .header("x-mpc-cache", "MISS")
                .extract()
                .asString();
        String id = UUID.randomUUID().toString();
        String second = post(body, id)
                .then()
                .statusCode(200)
                .header("x-mpc-cache", "HIT")
                .header("x-litellm-cache-hit", "true")
                .header("x-litellm-response-cost", "0")
                .extract()
                .asString();
        assertThat(upstreamCalls() - before).isEqualTo(1);
        assertThat(second).isEqualTo(first);
        UsageRecord r = usage.await(id, Duration.ofSeconds(5));
        assertThat(r.cacheHit()).isTrue();
        assertThat(r.costUsd()).isEqualByComparingTo(BigDecimal.ZERO);
        assertThat(r.promptTokens()).isEqualTo(1117);
        // cost-tracker rejects events without a deployment and provider: a hit names the cache as both
        assertThat(r.deploymentId()).isEqualTo(UsageRecord.FROM_CACHE);
        assertThat(r.provider()).isEqualTo(UsageRecord.FROM_CACHE);
    }

    @Test
    void theKeyCoversWhatChangesTheOutputButNotFieldOrderOrCallerFields() {
        String content = "key " + UUID.randomUUID();
        post(chat(content, ",\"temperature\":0.2,\"max_tokens\":5"), "a" + UUID.randomUUID())
                .then()
                .header("x-mpc-cache", "MISS");
        // same fields in another order, another user and metadata: same answer
        given().header("Authorization", KEY)
                .body("{\"max_tokens\":5,\"user\":\"someone-else\",\"metadata\":{\"tags\":[\"x\"]},\"temperature\":0.2,"
                        + "\"messages\":[{\"content\":\"" + content
                        + "\",\"role\":\"user\"}],\"model\":\"cached-chat\"}")
                .post("/v1/chat/completions")
                .then()
                .header("x-mpc-cache", "HIT");
        post(chat(content, ",\"temperature\":0.3,\"max_tokens\":5"), "b" + UUID.randomUUID())
                .then()
                .header("x-mpc-cache", "MISS");
        post(chat(content, ",\"temperature\":0.2,\"max_tokens\":6"), "c" + UUID.randomUUID())
                .then()
                .header("x-mpc-cache", "MISS");
    }

    @Test
    void perRequestControlsBypassOrSkipTheStore() {
        String content = "controls " + UUID.randomUUID();
        post(chat(content, ",\"cache\":{\"no-store\":true}"), UUID.randomUUID().toString())
                .then()
                .header("x-mpc-cache", "MISS");
        post(chat(content, ""), UUID.randomUUID().toString()).then().header("x-mpc-cache", "MISS");
        post(chat(content, ""), UUID.randomUUID().toString()).then().header("x-mpc-cache", "HIT");
        long before = upstreamCalls();
        post(chat(content, ",\"cache\":{\"no-cache\":true}"), UUID.randomUUID().toString())
                .then()
                .header("x-mpc-cache", "BYPASS");
        given().header("Authorization", KEY)
                .header("Cache-Control", "no-cache")
                .body(chat(content, ""))
                .post("/v1/chat/completions")
                .then()
                .header("x-mpc-cache", "BYPASS");
        assertThat(upstreamCalls() - before).isEqualTo(2);
        post(
                        chat(content, ",\"cache\":{\"namespace\":\"other-team\"}"),
                        UUID.randomUUID().toString())
                .then()
                .header("x-mpc-cache", "MISS");
        post(chat(content, ",\"cache\":\"yes\""), UUID.randomUUID().toString())
                .then()
                .statusCode(400)
                .body("error.param", equalTo("cache"));
    }

    @Test
    void aPerRequestTtlExpiresTheEntry() throws Exception {
        String content = "ttl " + UUID.randomUUID();
        post(chat(content, ",\"cache\":{\"ttl\":0.3}"), UUID.randomUUID().toString())
                .then()
                .header("x-mpc-cache", "MISS");
        Thread.sleep(600);
        post(chat(content, ""), UUID.randomUUID().toString()).then().header("x-mpc-cache", "MISS");
    }

    @Test
    void aStreamingRequestThatHitsTheCacheGetsAProperSseStream() {
        String content = "stream " + UUID.randomUUID();
        post(chat(content, ""), UUID.randomUUID().toString()).then().header("x-mpc-cache", "MISS");
        String id = UUID.randomUUID().toString();
        String sse = post(chat(content, ",\"stream\":true,\"stream_options\":{\"include_usage\":true}"), id)
                .then()
                .statusCode(200)
                .header("x-mpc-cache", "HIT")
                .header("content-type", "text/event-stream")
                .extract()
                .asString();
        assertThat(sse).startsWith("data: {").contains("\"object\":\"chat.completion.chunk\"");
        assertThat(sse).contains("\"finish_reason\":\"stop\"").contains("\"prompt_tokens\":1117");
        assertThat(sse.trim()).endsWith("data: [DONE]");
        assertThat(usage.await(id, Duration.ofSeconds(5)).stream()).isTrue();
    }

    @Test
    void aStreamedAnswerIsCachedAndServedToANonStreamingRequest() {
        String content = "streamed " + UUID.randomUUID();
        String sse = post(chat(content, ",\"stream\":true"), UUID.randomUUID().toString())
                .then()
                .statusCode(200)
                .header("x-mpc-cache", "MISS")
                .extract()
                .asString();
        assertThat(sse).contains("Paris");
        post(chat(content, ""), UUID.randomUUID().toString())
                .then()
                .statusCode(200)
                .header("x-mpc-cache", "HIT")
                .body("object", equalTo("chat.completion"))
                .body("choices[0].message.content", org.hamcrest.Matchers.containsString("Paris"));
    }

    @Test
    void embeddingsAreCachedButUnsupportedCallTypesAreNot() {
        String body = "{\"model\":\"demo-embed\",\"input\":\"embed " + UUID.randomUUID() + "\"}";
        given().header("Authorization", KEY)
                .body(body)
                .post("/v1/embeddings")
                .then()
                .header("x-mpc-cache", "MISS");
        given().header("Authorization", KEY)
                .body(body)
                .post("/v1/embeddings")
                .then()
                .header("x-mpc-cache", "HIT");
        String text = "{\"model\":\"demo-text\",\"prompt\":\"p " + UUID.randomUUID() + "\"}";
        given().header("Authorization", KEY)
                .body(text)
                .post("/v1/completions")
                .then()
                .statusCode(200);
        given().header("Authorization", KEY)
                .body(text)
                .post("/v1/completions")
                .then()
                .statusCode(200)
                .header("x-mpc-cache", org.hamcrest.Matchers.nullValue());
    }
}
