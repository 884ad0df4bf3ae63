package com.acme.mpc.gateway.api;

import static com.acme.mpc.testsupport.fuzz.HttpFuzz.oddValue;
import static com.acme.mpc.testsupport.fuzz.HttpFuzz.pick;
import static com.acme.mpc.testsupport.fuzz.HttpFuzz.withField;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.acme.mpc.gateway.testsupport.GatewayTestResource;
import com.acme.mpc.testsupport.fuzz.FuzzChecks;
import com.acme.mpc.testsupport.fuzz.FuzzRun;
import com.acme.mpc.testsupport.fuzz.FuzzedRequest;
import com.acme.mpc.testsupport.fuzz.HttpFuzz;
import com.acme.mpc.testsupport.fuzz.ModelBodies;
import com.acme.mpc.testsupport.http.ErrorShapes;
import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.net.URL;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Thousands of malformed requests against the running gateway over real HTTP: bad and truncated JSON, wrong types,
 * absurd numbers, NUL bytes, other encodings, odd headers, unknown paths, other methods, oversized bodies, URIs and
 * headers. None may get a 5xx; every 4xx is in the path's error shape (Anthropic's on the Messages routes, OpenAI's
 * elsewhere); the gateway still answers afterwards.
 *
 * <p>Seeded: a failure names its seed; rerun it with {@code -Dfuzz.seed=N} (and {@code -Dfuzz.cases},
 * {@code -Dfuzz.seconds} to bound the run; by default 3,000 cases or 45 s, whichever comes first; {@code -Dfuzz.case=N}
 * replays one case). Only requests that
 * are valid HTTP framing are sent: what the HTTP codec cannot parse at all is answered below the application.
 */
@QuarkusTest
@QuarkusTestResource(GatewayTestResource.class)
class RequestFuzzTest {
    private static final String MASTER = "sk-test-master";
    private static final List<String> MODEL_PATHS = List.of(
            "/chat/completions",
            "/v1/chat/completions",
            "/completions",
            "/v1/completions",
            "/embeddings",
            "/v1/embeddings",
            "/v1/messages",
            "/anthropic/v1/messages",
            "/v1/messages/count_tokens",
            "/responses",
            "/v1/responses",
            "/v1/responses",
            "/v1/responses/resp_0123/cancel");
    private static final List<String> OTHER_PATHS = List.of(
            "/models",
            "/v1/models",
            "/model/info",
            "/v1/model/info",
            "/model/state",
            "/spend/calculate",
            "/health",
            "/health/liveliness",
            "/health/readiness",
            "/metrics",
            "/",
            "/nope",
            "/v1/nope",
            "/v1/messages/x",
            "/api/chat/completions",
            "/v1/chat/completions/",
            "//v1//chat/completions",
            "/v1/chat%2Fcompletions",
            "/v1/%00",
            "/%zz",
            "/v1/chat/completions?x=%00",
            "/ui/../v1/models",
            "/q/health/live",
            "/q/nope",
            "/%E2%82%AC",
            "/v1/responses/resp_0123",
            "/v1/responses/resp_0123/input_items?limit=abc&order=x&after=%00",
            "/v1/responses/resp_0123/input_items?limit=1000",
            "/responses/" + "r".repeat(300),
            "/v1/responses/a%2F..%2Fb",
            "/v1/responses/%00",
            "/v1/responses/resp_0123/nope");
    /** Mock deployments and the fake upstream's chat model; never the ones scripted to hang, stall or drop. */
    private static final List<String> MODELS =
            List.of("demo-chat", "demo-chat", "demo-embed", "upstream-chat", "nope", "", "demo-chat\u0000");

    private static final FuzzedRequest.BodyShape BODY = ModelBodies.shape(RequestFuzzTest::mutate);

    @TestHTTPResource("/")
    URL root;

    @Test
    void malformedRequestsNeverGetA5xxAndEveryErrorIsInThePathsShape() throws Exception {
        FuzzRun.run(root, RequestFuzzTest::request, RequestFuzzTest::check);
        // still serving
        given().get("/health/liveliness").then().statusCode(200);
        given().header("Authorization", "Bearer " + MASTER)
                .contentType(ContentType.JSON)
                .body("{\"model\":\"demo-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"still there?\"}]}")
                .post("/v1/chat/completions")
                .then()
                .statusCode(200);
    }

    private static void check(HttpFuzz.Request request, HttpFuzz.Answer answer, String where) {
        if (!FuzzChecks.isApplicationError(request, answer, where)) {
            return;
        }
        String what = FuzzChecks.describe(where, answer);
        JsonNode body = ErrorShapes.json(answer.body(), what);
        if (HttpLayerErrors.isAnthropic(FuzzChecks.pathOnly(request.path()))) {
            ErrorShapes.anthropicError(body, what);
        } else {
            JsonNode error = ErrorShapes.openAiError(body, what);
            assertThat(error.path("message").asText()).as(what).doesNotContain("jackson", "Constraints", "Exception");
        }
    }

    private static HttpFuzz.Request request(Random r) {
        FuzzedRequest request = FuzzedRequest.start(r).path(80, MODEL_PATHS, OTHER_PATHS);
        String path = request.path();
        String model = pick(r, MODELS);
        int b = r.nextInt(100);
        request.body(b, ModelBodies.valid(r, path, model, true), BODY).host();
        String auth = path.equals("/health") ? pick(r, "none", "wrong", "garbage") : authKind(r);
        switch (auth) {
            case "master" -> request.header("Authorization", "Bearer " + MASTER);
            case "x-api-key" -> request.header("x-api-key", MASTER);
            case "wrong" -> request.header("Authorization", "Bearer sk-wrong");
            case "garbage" -> request.header("Authorization", pick(r, "", "Bearer", "Basic Og==", "\u00ff"));
            default -> {}
        }
        return request.contentType()
                .oddHeader(odd -> {
                    if (odd < 15) {
                        request.header("x-mpc-end-user", pick(r, "u".repeat(700), "", "\u00ff"));
                    } else if (odd < 17) {
                        request.header("Accept", pick(r, "", "text/csv", "///", "application/xml"));
                    } else if (odd < 19) {
                        request.header("anthropic-version", pick(r, "", "1999-01-01", "x".repeat(500)));
                    }
                })
                .finish(l -> l < 5, 70_000);
    }

    private static String authKind(Random r) {
        int a = r.nextInt(100);
        return a < 80 ? "master" : a < 85 ? "x-api-key" : a < 90 ? "none" : a < 95 ? "wrong" : "garbage";
    }

    /** The valid body with one field set to something odd (a wrong type, an absurd number, NUL in a string). */
    private static String mutate(Random r, String valid) {
        String field = pick(
                r,
                "model",
                "messages",
                "stream",
                "temperature",
                "top_p",
                "n",
                "max_tokens",
                "max_completion_tokens",
                "presence_penalty",
                "frequency_penalty",
                "logprobs",
                "top_logprobs",
                "dimensions",
                "input",
                "prompt",
                "user",
                "metadata",
                "tools",
                "tool_choice",
                "stop",
                "stream_options",
                "top_k",
                "system",
                "encoding_format",
                "response_format",
                "tags",
                "num_retries",
                "fallbacks",
                "instructions",
                "previous_response_id",
                "max_output_tokens",
                "store",
                "text",
                "reasoning",
                "background",
                "\u0000");
        return withField(valid, field, oddValue(r));
    }
}
