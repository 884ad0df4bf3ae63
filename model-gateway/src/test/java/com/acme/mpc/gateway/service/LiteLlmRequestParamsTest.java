package com.acme.mpc.gateway.service;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import com.acme.mpc.gateway.testsupport.CapturingUsageSink;
import com.acme.mpc.gateway.testsupport.FakeUpstream;
import com.acme.mpc.gateway.usage.UsageRecord;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * LiteLLM's own request parameters through the real HTTP path: {@code timeout} (the whole call, 408),
 * {@code mock_response} (answered locally), {@code mock_testing_fallbacks}, {@code enable_pre_call_checks} and
 * client-side credentials under {@code allow_client_side_credentials}.
 */
@QuarkusTest
@TestProfile(RequestParamsTestResource.Profile.class)
class LiteLlmRequestParamsTest {
    private static final String KEY = "Bearer sk-params-master";
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Inject
    CapturingUsageSink usage;

    private static String chat(String model, boolean stream, String extra) {
        return "{\"model\":\"" + model + "\",\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"hello there\"}]" + extra + "}";
    }

    private static Response post(String requestId, String body) {
        return given().header("Authorization", KEY)
                .header("x-request-id", requestId)
                .contentType(ContentType.JSON)
                .body(body)
                .post("/v1/chat/completions");
    }

    private static String id() {
        return "params-" + UUID.randomUUID();
    }

    private static String longPrompt() {
        return "word ".repeat(400);
    }

    @Test
    void aRequestTimeoutEndsTheWholeCallWith408AndBillsThePrompt() {
        for (boolean stream : new boolean[] {false, true}) {
            String rid = id();
            long start = System.nanoTime();
            post(rid, chat("slow", stream, ",\"timeout\":0.5"))
                    .then()
                    .statusCode(408)
                    .body("error.type", equalTo("timeout"))
                    .body("error.code", equalTo("request_timeout"))
                    .body("error.message", containsString("0.5 s"));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            UsageRecord r = usage.await(rid, WAIT);
            assertThat(r.httpStatus()).isEqualTo(408);
            // the provider may have started on it: the prompt is billed, never hidden
            assertThat(r.promptTokens()).isPositive();
            assertThat(r.stream()).isEqualTo(stream);
        }
        // the older spelling, as a string of seconds
        post(id(), chat("slow", false, ",\"request_timeout\":\"0.3\"")).then().statusCode(408);
    }

    @Test
    void aTimeoutThatDoesNotRunOutChangesNothing() {
        post(id(), chat("fast", false, ",\"timeout\":30"))
                .then()
                .statusCode(200)
                .body("object", equalTo("chat.completion"));
        assertThat(RequestParamsTestResource.upstream.lastRequest().body()).doesNotContain("timeout");
    }

    @Test
    void aMalformedTimeoutIsA400NamingIt() {
        for (String bad : new String[] {"0", "-1", "\"soon\"", "true", "100000"}) {
            post(id(), chat("fast", false, ",\"timeout\":" + bad))
                    .then()
                    .statusCode(400)
                    .body("error.param", equalTo("timeout"));
        }
    }

    @Test
    void mockResponseIsAnsweredLocallyWithEstimatedUsageAndNoCost() {
        long before = RequestParamsTestResource.upstream.count("fast-upstream");
        String rid = id();
        post(rid, chat("fast", false, ",\"mock_response\":\"It is simple to use\""))
                .then()
                .statusCode(200)
                .body("object", equalTo("chat.completion"))
                .body("choices[0].message.content", equalTo("It is simple to use"))
                .body("usage.completion_tokens", equalTo(5));
        UsageRecord r = usage.await(rid, WAIT);
        assertThat(r.provider()).isEqualTo("mock");
        assertThat(r.costUsd()).isEqualByComparingTo(BigDecimal.ZERO);
        assertThat(r.promptTokens()).isPositive();
        assertThat(r.deploymentId()).isEqualTo("fast-1");

        String sse = post(id(), chat("fast", true, ",\"mock_response\":\"It is simple to use\""))
                .then()
                .statusCode(200)
                .extract()
                .asString();
        StringBuilder text = new StringBuilder();
        for (String line : sse.split("\n")) {
            if (line.startsWith("data: {")) {
                text.append(io.vertx.core.json.JsonObject.of()
                        .mergeIn(new io.vertx.core.json.JsonObject(line.substring(6)))
                        .getJsonArray("choices")
                        .stream()
                        .map(c -> ((io.vertx.core.json.JsonObject) c).getJsonObject("delta"))
                        .map(d -> d == null ? "" : d.getString("content", ""))
                        .reduce("", String::concat));
            }
        }
        assertThat(text.toString()).isEqualTo("It is simple to use");
        assertThat(sse).endsWith("data: [DONE]\n\n");
        assertThat(RequestParamsTestResource.upstream.count("fast-upstream")).isEqualTo(before);
    }

    @Test
    void mockTestingFallbacksFailsTheRequestedGroupOnceSoItsFallbackAnswers() {
        long primaryBefore = RequestParamsTestResource.upstream.count("primary-upstream");
        for (boolean stream : new boolean[] {false, true}) {
            post(id(), chat("primary", stream, ",\"mock_testing_fallbacks\":true"))
                    .then()
                    .statusCode(200)
                    .header("x-litellm-model-id", "backup-1");
        }
        assertThat(RequestParamsTestResource.upstream.count("primary-upstream")).isEqualTo(primaryBefore);
        // without a fallback the mock failure is the answer, in OpenAI's shape
        post(id(), chat("fast", false, ",\"mock_testing_fallbacks\":true"))
                .then()
                .statusCode(500)
                .body("error.message", containsString("mock exception for model=fast"));
    }

    @Test
    void preCallChecksSkipDeploymentsWhoseContextWindowIsTooSmall() {
        String body =
                "{\"model\":\"windowed\",\"messages\":[{\"role\":\"user\",\"content\":\"" + longPrompt() + "\"}]}";
        for (int i = 0; i < 6; i++) {
            post(id(), body).then().statusCode(200).header("x-litellm-model-id", "large-1");
        }
        assertThat(RequestParamsTestResource.upstream.count("small-window")).isZero();
        // a short prompt may go to either
        post(id(), chat("windowed", false, "")).then().statusCode(200);
    }

    @Test
    void whenNoDeploymentFitsContextWindowFallbacksServeElseA400() {
        String tooLong = "\"messages\":[{\"role\":\"user\",\"content\":\"" + longPrompt() + "\"}]";
        post(id(), "{\"model\":\"tiny\"," + tooLong + "}")
                .then()
                .statusCode(200)
                .header("x-litellm-model-id", "roomy-1");
        long before = RequestParamsTestResource.upstream.count("tiny-alone-window");
        post(id(), "{\"model\":\"tiny-alone\",\"stream\":true," + tooLong + "}")
                .then()
                .statusCode(400)
                .body("error.code", equalTo("context_length_exceeded"))
                .body("error.type", equalTo("invalid_request_error"));
        assertThat(RequestParamsTestResource.upstream.count("tiny-alone-window"))
                .isEqualTo(before);
        post(id(), chat("tiny-alone", false, "")).then().statusCode(200);
    }

    @Test
    void dropParamsSendsTheRequestAgainWithoutWhatTheProviderRefused() {
        String refused = ",\"logit_bias\":{\"50256\":-100},\"seed\":7";
        // without drop_params the provider's refusal is the answer
        post(id(), chat("picky", false, refused))
                .then()
                .statusCode(400)
                .body("error.message", containsString("logit_bias"));
        for (boolean stream : new boolean[] {false, true}) {
            long before = RequestParamsTestResource.upstream.count("picky-upstream");
            String rid = id();
            post(rid, chat("picky", stream, refused + ",\"drop_params\":true"))
                    .then()
                    .statusCode(200);
            // refused logit_bias (400), then seed (Mistral's 422), then answered without both
            assertThat(RequestParamsTestResource.upstream.count("picky-upstream") - before)
                    .isEqualTo(3);
            String last = RequestParamsTestResource.upstream.lastRequest().body();
            assertThat(last)
                    .doesNotContain("logit_bias")
                    .doesNotContain("\"seed\"")
                    .doesNotContain("drop_params");
            assertThat(usage.await(rid, WAIT).httpStatus()).isEqualTo(200);
        }
    }

    @Test
    void clientSideCredentialsAreUsedForTheCallAndBilledToTheCallersKey() {
        String rid = id();
        String base = RequestParamsTestResource.upstream.baseUrl() + "/client/v1";
        post(rid, chat("fast", false, ",\"api_key\":\"sk-client-own-987654321\",\"api_base\":\"" + base + "\""))
                .then()
                .statusCode(200);
        FakeUpstream.Recorded r = RequestParamsTestResource.upstream.lastRequest();
        assertThat(r.path()).isEqualTo("/client/v1/chat/completions");
        assertThat(r.headers()).containsEntry("authorization", "Bearer sk-client-own-987654321");
        // credentials travel as HTTP auth and URL, never in the provider's body
        assertThat(r.body()).doesNotContain("sk-client-own").doesNotContain("api_base");
        UsageRecord u = usage.await(rid, WAIT);
        assertThat(u.deploymentId()).isEqualTo("fast-1");
        assertThat(u.httpStatus()).isEqualTo(200);
        assertThat(u.costUsd()).isPositive();

        // only a key: the deployment's own base
        post(id(), chat("fast", false, ",\"api_key\":\"sk-client-only-key-1234\""))
                .then()
                .statusCode(200);
        FakeUpstream.Recorded k = RequestParamsTestResource.upstream.lastRequest();
        assertThat(k.path()).isEqualTo("/v1/chat/completions");
        assertThat(k.headers()).containsEntry("authorization", "Bearer sk-client-only-key-1234");

        post(id(), chat("fast", false, ",\"api_base\":\"ftp://example\""))
                .then()
                .statusCode(400)
                .body("error.param", equalTo("api_base"));
    }
}
