package com.acme.mpc.gateway.usage;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.acme.mpc.gateway.testsupport.CapturingUsageSink;
import com.acme.mpc.gateway.testsupport.GatewayTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Whatever the client sends, every answered call is its own usage record: the event id is the gateway's, the client's
 * x-request-id only sits beside it, and client-controlled descriptive fields are normalised to what cost-tracker
 * stores (docs/contracts.md).
 */
@QuarkusTest
@QuarkusTestResource(GatewayTestResource.class)
class UsageIdentityTest {
    private static final String KEY = "Bearer sk-test-master";

    @Inject
    CapturingUsageSink usage;

    private static Response call(String requestId, String body) {
        return given().header("Authorization", KEY)
                .header("x-request-id", requestId)
                .contentType(ContentType.JSON)
                .body(body)
                .post("/v1/chat/completions");
    }

    @Test
    void twentyCallsWithOneRequestIdAreTwentyEventsWithTheirOwnIds() {
        String reused = "reused-" + UUID.randomUUID();
        Set<String> callIds = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            boolean stream = i % 2 == 1;
            Response r = call(
                    reused,
                    "{\"model\":\"demo-chat\",\"stream\":" + stream
                            + ",\"messages\":[{\"role\":\"user\",\"content\":\"call " + i + "\"}]}");
            r.then().statusCode(200).header("x-request-id", reused);
            callIds.add(r.header("x-litellm-call-id"));
        }
        assertThat(callIds).hasSize(20).doesNotContain(reused);
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (usage.all(reused).size() < 20 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        List<UsageRecord> records = usage.all(reused);
        assertThat(records).hasSize(20);
        assertThat(records.stream().map(UsageRecord::eventId).collect(Collectors.toSet()))
                .isEqualTo(callIds);
        assertThat(records).allSatisfy(r -> assertThat(r.completionTokens()).isPositive());
    }

    @Test
    void oversizedAndControlCharacterFieldsAreNormalisedBeforeTheRecordIsWritten() {
        String id = "fields-" + UUID.randomUUID();
        String tags = IntStream.range(0, 65)
                .mapToObj(i -> i == 3 ? "\"" + "x".repeat(300) + "\"" : i == 4 ? "\"n\\u0000ul\"" : "\"t" + i + "\"")
                .collect(Collectors.joining(","));
        String body = "{\"model\":\"demo-chat\",\"user\":\"a\\u0000" + "u".repeat(600) + "\",\"metadata\":{\"tags\":["
                + tags + "]},\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        given().header("Authorization", KEY)
                .header("x-request-id", id)
                .header("x-mpc-end-user", "app\t" + "e".repeat(600))
                .contentType(ContentType.JSON)
                .body(body)
                .post("/v1/chat/completions")
                .then()
                .statusCode(200);
        UsageRecord r = usage.await(id, java.time.Duration.ofSeconds(5));
        // mpc-api's app attribution is the end user; the record's user is the key's owner (none here), not the body's
        assertThat(r.endUser()).hasSize(UsageFields.MAX_TEXT).startsWith("appe");
        assertThat(r.user()).isNull();
        assertThat(r.tags()).hasSize(UsageFields.MAX_TAGS).contains("x".repeat(256), "nul");
        assertThat(r.tags()).allSatisfy(t -> assertThat(t).hasSizeLessThanOrEqualTo(UsageFields.MAX_TAG));

        // without x-mpc-end-user, the request's user is the end user (LiteLLM's end_user), normalised the same way
        String id2 = "fields-" + UUID.randomUUID();
        given().header("Authorization", KEY)
                .header("x-request-id", id2)
                .contentType(ContentType.JSON)
                .body(body)
                .post("/v1/chat/completions")
                .then()
                .statusCode(200);
        UsageRecord r2 = usage.await(id2, java.time.Duration.ofSeconds(5));
        assertThat(r2.endUser()).hasSize(UsageFields.MAX_TEXT).startsWith("au").doesNotContain("\0");
        assertThat(r2.user()).isNull();
    }
}
