package com.acme.mpc.api.fuzz;

import static com.acme.mpc.testsupport.fuzz.HttpFuzz.oddValue;
import static com.acme.mpc.testsupport.fuzz.HttpFuzz.pick;
import static com.acme.mpc.testsupport.fuzz.HttpFuzz.withField;
import static io.restassured.RestAssured.given;

import com.acme.mpc.api.ClientsProfile;
import com.acme.mpc.api.standin.StandInGateway;
import com.acme.mpc.testsupport.fuzz.FuzzChecks;
import com.acme.mpc.testsupport.fuzz.FuzzRun;
import com.acme.mpc.testsupport.fuzz.FuzzedRequest;
import com.acme.mpc.testsupport.fuzz.HttpFuzz;
import com.acme.mpc.testsupport.fuzz.ModelBodies;
import com.acme.mpc.testsupport.http.ErrorShapes;
import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.net.URL;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Thousands of malformed requests against the running mpc-api over real HTTP (bad and truncated JSON, wrong types,
 * absurd numbers, NUL bytes, other encodings, odd headers, unknown paths, other methods, oversized bodies, URIs and
 * headers), relayed to the stand-in gateway when they get that far. None may get a 5xx, every 4xx is OpenAI-shaped
 * (Anthropic-shaped on /api/v1/messages...), and mpc-api still answers afterwards.
 *
 * <p>Seeded: a failure names its seed; rerun it with {@code -Dfuzz.seed=N} ({@code -Dfuzz.cases} and
 * {@code -Dfuzz.seconds} bound the run; by default 3,000 cases or 45 s; {@code -Dfuzz.case=N} replays one case). Only valid HTTP framing is sent: what the
 * HTTP codec cannot parse at all is answered below the application.
 */
@QuarkusTest
@TestProfile(ClientsProfile.class)
class RequestFuzzTest {
    private static final List<String> MODEL_PATHS = List.of(
            "/api/chat/completions",
            "/api/completions",
            "/api/embeddings",
            "/api/v1/messages",
            "/api/v1/messages/count_tokens",
            "/api/v1/responses",
            "/api/responses");
    private static final List<String> OTHER_PATHS = List.of(
            "/api/models",
            "/api/usage",
            "/api/usage?start_date=x&end_date=%00",
            "/health",
            "/",
            "/nope",
            "/api",
            "/api/",
            "/api/nope",
            "/api/sk-abcdefghijklmnop",
            "/v1/chat/completions",
            "/api/chat/completions/",
            "//api//chat/completions",
            "/api/chat%2Fcompletions",
            "/api/%00",
            "/api/v1/responses/resp_1",
            "/api/v1/responses/resp_1/input_items?limit=%00",
            "/api/responses/a%2F..%2F..%2Fkey%2Finfo",
            "/api/v1/responses/" + "r".repeat(300),
            "/api/v1/responses/resp_1/cancel",
            "/%zz",
            "/api/chat/completions?x=%00",
            "/q/health/live",
            "/%E2%82%AC");
    /** Stand-in models that answer; never the ones scripted to hang, drop or fail upstream. */
    private static final List<String> MODELS = List.of("demo-chat", "demo-chat", "demo-embed", "nope", "", "x\u0000");

    private static final FuzzedRequest.BodyShape BODY = ModelBodies.shape(RequestFuzzTest::mutate);

    @TestHTTPResource("/")
    URL root;

    @Test
    void malformedRequestsNeverGetA5xxAndEveryErrorIsOpenAiShaped() throws Exception {
        StandInGateway.get().reset();
        FuzzRun.run(root, RequestFuzzTest::request, RequestFuzzTest::check);
        given().get("/health").then().statusCode(200);
        given().auth()
                .oauth2(ClientsProfile.APP1)
                .contentType("application/json")
                .body("{\"model\":\"demo-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"still there?\"}]}")
                .post("/api/chat/completions")
                .then()
                .statusCode(200);
    }

    private static void check(HttpFuzz.Request request, HttpFuzz.Answer answer, String where) {
        if (!FuzzChecks.isApplicationError(request, answer, where)) {
            return;
        }
        if (answer.status() == 403 && answer.head().contains("CORS Rejected")) {
            // Quarkus' CORS filter: a browser never exposes a refused cross-origin answer's body to the page
            return;
        }
        String what = FuzzChecks.describe(where, answer);
        JsonNode body = ErrorShapes.json(answer.body(), what);
        if (request.path().startsWith("/api/v1/messages")) {
            // Anthropic's Messages API: Anthropic's shape
            ErrorShapes.anthropicError(body, what);
        } else {
            ErrorShapes.openAiError(body, what);
        }
    }

    private static HttpFuzz.Request request(Random r) {
        FuzzedRequest request = FuzzedRequest.start(r).path(80, MODEL_PATHS, OTHER_PATHS);
        String model = pick(r, MODELS);
        String valid = ModelBodies.valid(r, request.path(), model, false);
        request.body(r.nextInt(100), valid, BODY).host();
        int a = r.nextInt(100);
        if (a < 70) {
            request.header("Authorization", "Bearer " + ClientsProfile.APP1);
        } else if (a < 80) {
            request.header("x-api-key", ClientsProfile.APP1);
        } else if (a < 85) {
            request.header("Authorization", "Bearer " + ClientsProfile.LIMITED_FUZZ);
        } else if (a < 90) {
            request.header("Authorization", pick(r, "", "Bearer", "Basic Og==", "\u00ff", "Bearer sk-x"));
        }
        return request.contentType()
                .oddHeader(odd -> {
                    if (odd < 15) {
                        request.header("Origin", pick(r, ClientsProfile.ORIGIN, "http://evil.example", "", "null"));
                    } else if (odd < 17) {
                        request.header(
                                "Accept", pick(r, "", "text/csv", "///", "application/xml", "text/event-stream"));
                    }
                })
                .finish(l -> l < 5, ClientsProfile.MAX_BODY + 100);
    }

    private static String mutate(Random r, String valid) {
        String field = pick(
                r,
                "model",
                "messages",
                "stream",
                "temperature",
                "max_tokens",
                "input",
                "prompt",
                "user",
                "metadata",
                "stream_options",
                "tags",
                "\u0000");
        return withField(valid, field, oddValue(r));
    }
}
