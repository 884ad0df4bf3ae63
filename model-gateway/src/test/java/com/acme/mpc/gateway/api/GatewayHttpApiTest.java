package com.acme.mpc.gateway.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import com.acme.mpc.gateway.testsupport.CapturingUsageSink;
import com.acme.mpc.gateway.testsupport.GatewayTestResource;
import com.acme.mpc.gateway.usage.UsageRecord;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(GatewayTestResource.class)
class GatewayHttpApiTest {
    private static final String KEY = "Bearer sk-test-master";

    @TestHTTPResource("/")
    URL root;

    @Inject
    CapturingUsageSink usage;

    private static String chat(String model, boolean stream) {
        return "{\"model\":\"" + model + "\",\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"hello there\"}]}";
    }

    @Test
    void everyEndpointIsAlsoServedWithoutV1() {
        given().header("Authorization", KEY)
                .contentType(ContentType.JSON)
                .body(chat("demo-chat", false))
                .post("/chat/completions")
                .then()
                .statusCode(200)
                .body("object", equalTo("chat.completion"));
        given().header("x-api-key", "sk-test-master")
                .get("/models")
                .then()
                .statusCode(200)
                .body("data.id", hasItems("demo-chat", "upstream-chat"));
    }

    @Test
    void responsesTellWhatHappenedUnderOurAndLiteLlmHeaderNames() {
        String id = UUID.randomUUID().toString();
        String callId = given().header("Authorization", KEY)
                .header("x-request-id", id)
                .contentType(ContentType.JSON)
                .body(chat("upstream-chat", false))
                .post("/v1/chat/completions")
                .then()
                .statusCode(200)
                .header("x-request-id", id)
                .header("x-litellm-call-id", not(equalTo(id)))
                .header("x-litellm-model-id", "up-1")
                .header("x-mpc-deployment-id", "up-1")
                .header("x-mpc-attempts", "1")
                .header("x-litellm-response-cost", "0.00019515")
                .header("x-litellm-overhead-duration-ms", not(nullValue()))
                .extract()
                .header("x-litellm-call-id");
        // 1117 prompt tokens * 0.00000015 (cache reads priced as input: no cache price configured) + 46 * 0.0000006
        UsageRecord r = usage.await(id, Duration.ofSeconds(5));
        // the usage event's id is the gateway's own per-call id (LiteLLM's call id), the client's id sits beside it
        assertThat(r.eventId()).isEqualTo(callId);
        assertThat(r.clientRequestId()).isEqualTo(id);
        assertThat(r.costUsd()).isEqualByComparingTo(new BigDecimal("0.00019515"));
        assertThat(r.promptTokens()).isEqualTo(1117);
        assertThat(r.cachedReadTokens()).isEqualTo(1024);
        assertThat(r.modelGroup()).isEqualTo("upstream-chat");
        assertThat(r.deploymentId()).isEqualTo("up-1");
        assertThat(r.provider()).isEqualTo("openai");
        assertThat(r.status()).isEqualTo("success");
        assertThat(r.keyHash()).hasSize(64);
        assertThat(r.stream()).isFalse();
    }

    @Test
    void upstreamKeyNeverReachesTheClientAndErrorsKeepOpenAiShape() {
        given().header("Authorization", KEY)
                .contentType(ContentType.JSON)
                .body(chat("limited", false))
                .post("/v1/chat/completions")
                .then()
                .statusCode(429)
                .header("retry-after", "20")
                .body("error.type", equalTo("requests"))
                .body("error.code", equalTo("rate_limit_exceeded"))
                .body(not(containsString("sk-upstream-secret")));
    }

    @Test
    void clientMistakesAre4xxInOpenAiShape() {
        given().header("Authorization", KEY)
                .body("{not json")
                .post("/v1/chat/completions")
                .then()
                .statusCode(400)
                .body("error.type", equalTo("invalid_request_error"))
                .body("error.message", containsString("invalid JSON"));
        given().header("Authorization", KEY)
                .body("{\"model\":\"demo-chat\"}")
                .post("/v1/chat/completions")
                .then()
                .statusCode(400)
                .body("error.param", equalTo("messages"));
        given().header("Authorization", KEY)
                .body("{\"model\":\"demo-chat\",\"messages\":\"hi\"}")
                .post("/v1/chat/completions")
                .then()
                .statusCode(400)
                .body("error.param", equalTo("messages"));
        given().header("Authorization", KEY)
                .body("{\"model\":42,\"messages\":[]}")
                .post("/v1/chat/completions")
                .then()
                .statusCode(400)
                .body("error.param", equalTo("model"));
        given().header("Authorization", KEY)
                .body(
                        "{\"model\":\"demo-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"stream\":\"yes\"}")
                .post("/v1/chat/completions")
                .then()
                .statusCode(400)
                .body("error.param", equalTo("stream"));
        given().header("Authorization", KEY)
                .body("{\"model\":\"demo-embed\"}")
                .post("/v1/embeddings")
                .then()
                .statusCode(400)
                .body("error.param", equalTo("input"));
        given().header("Authorization", KEY)
                .body("{\"model\":\"demo-chat\"}")
                .post("/v1/completions")
                .then()
                .statusCode(400)
                .body("error.param", equalTo("prompt"));
        given().header("Authorization", KEY)
                .body(chat("nope", false))
                .post("/v1/chat/completions")
                .then()
                .statusCode(404)
                .body("error.code", equalTo("model_not_found"))
                .body("error.message", containsString("demo-chat"));
        given().get("/v1/chat/completions").then().statusCode(405).body("error.code", equalTo("method_not_allowed"));
        given().header("Authorization", KEY)
                .get("/v1/nothing-here")
                .then()
                .statusCode(404)
                .body("error.type", equalTo("invalid_request_error"));
    }

    @Test
    void bodiesOverTheLimitAre413() {
        String big = "x".repeat(70_000);
        given().header("Authorization", KEY)
                .body("{\"model\":\"demo-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"" + big + "\"}]}")
                .post("/v1/chat/completions")
                .then()
                .statusCode(413)
                .body("error.code", equalTo("request_too_large"));
    }

    @Test
    void authIsRequiredOnModelEndpointsButNotOnProbes() {
        given().body(chat("demo-chat", false))
                .post("/v1/chat/completions")
                .then()
                .statusCode(401);
        given().header("Authorization", "Bearer sk-wrong")
                .get("/v1/models")
                .then()
                .statusCode(401)
                .body("error.type", equalTo("authentication_error"));
        given().get("/model/info").then().statusCode(401);
        given().get("/health").then().statusCode(401);
        given().get("/health/liveliness").then().statusCode(200).body(equalTo("\"I'm alive!\""));
        given().get("/health/liveness").then().statusCode(200);
        given().get("/health/readiness").then().statusCode(200).body("status", equalTo("healthy"));
        given().get("/q/health/live").then().statusCode(200);
    }

    @Test
    void modelInfoNeverShowsKeys() {
        given().header("Authorization", KEY)
                .get("/v1/model/info")
                .then()
                .statusCode(200)
                .body("data.model_info.id", hasItems("demo-chat-1", "up-1"))
                .body(not(containsString("sk-upstream-secret")));
    }

    @Test
    void modelGroupInfoAndV2ModelInfoInLiteLlmsShapes() {
        given().get("/model_group/info").then().statusCode(401);
        given().header("Authorization", KEY)
                .get("/model_group/info?model_group=demo-chat")
                .then()
                .statusCode(200)
                .body("data", hasSize(1))
                .body("data[0].model_group", equalTo("demo-chat"))
                .body("data[0].mode", equalTo("chat"))
                .body("data[0].providers", not(empty()))
                .body("data[0].supports_vision", equalTo(false))
                .body("data[0].supported_openai_params", hasItems("temperature", "tools", "stream_options"));
        given().header("Authorization", KEY)
                .get("/model_group/info")
                .then()
                .body("data.model_group", hasItems("demo-chat", "demo-embed"));
        given().header("Authorization", KEY)
                .get("/v2/model/info?model=demo-chat")
                .then()
                .statusCode(200)
                .body("data.model_name", everyItem(equalTo("demo-chat")))
                .body("data", not(empty()))
                .body(not(containsString("sk-upstream-secret")));
    }

    @Test
    void liteLlmsOwnRequestParametersNeverReachTheProvider() {
        GatewayTestResource.upstream.reset();
        given().header("Authorization", KEY)
                .contentType(ContentType.JSON)
                .body("{\"model\":\"upstream-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                        + "\"caching\":false,\"guardrails\":[\"pii\"],\"timeout\":30,\"drop_params\":true,"
                        + "\"mock_testing_fallbacks\":false,\"context_window_fallback_dict\":{\"a\":\"b\"},"
                        + "\"metadata\":{\"tags\":[\"t\"]},\"temperature\":0.5}")
                .post("/v1/chat/completions")
                .then()
                .statusCode(200);
        io.vertx.core.json.JsonObject sent =
                GatewayTestResource.upstream.lastRequest().json();
        assertThat(sent.fieldNames())
                .doesNotContain(
                        "caching",
                        "guardrails",
                        "timeout",
                        "drop_params",
                        "mock_testing_fallbacks",
                        "context_window_fallback_dict",
                        "metadata")
                .contains("temperature", "messages");
    }

    @Test
    void clientSideCredentialsAreRefusedBeforeAnyProviderCall() {
        GatewayTestResource.upstream.reset();
        for (String field : List.of("api_key", "api_base", "base_url")) {
            given().header("Authorization", KEY)
                    .contentType(ContentType.JSON)
                    .body("{\"model\":\"upstream-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\""
                            + field + "\":\"https://attacker.example/v1\"}")
                    .post("/v1/chat/completions")
                    .then()
                    .statusCode(400)
                    .body("error.type", equalTo("invalid_request_error"))
                    .body("error.param", equalTo(field));
        }
        assertThat(GatewayTestResource.upstream.requests()).isEmpty();
    }

    @Test
    void deepHealthReportsHealthyAndUnhealthyDeployments() {
        given().header("Authorization", KEY)
                .get("/health")
                .then()
                .statusCode(200)
                .body("healthy_endpoints.model_id", hasItems("demo-chat-1", "up-1"))
                .body("unhealthy_endpoints.model_name", hasItems("limited", "hang"))
                .body(not(containsString("sk-upstream-secret")));
    }

    @Test
    void aHangingUpstreamTimesOutWithA408() {
        given().header("Authorization", KEY)
                .body(chat("hang", false))
                .post("/v1/chat/completions")
                .then()
                .statusCode(408)
                .body("error.code", equalTo("upstream_timeout"));
    }

    @Test
    void streamChunksReachTheClientBeforeTheUpstreamFinishes() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest req = HttpRequest.newBuilder(URI.create(root + "v1/chat/completions"))
                .header("Authorization", KEY)
                .POST(HttpRequest.BodyPublishers.ofString(chat("slow-stream", true)))
                .build();
        long start = System.nanoTime();
        HttpResponse<java.io.InputStream> resp = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(resp.statusCode()).isEqualTo(200);
        assertThat(resp.headers().firstValue("content-type")).hasValue("text/event-stream");
        List<Long> arrivals = new ArrayList<>();
        List<String> lines = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(resp.body(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.startsWith("data: ")) {
                    arrivals.add((System.nanoTime() - start) / 1_000_000);
                    lines.add(line);
                }
            }
        }
        // the upstream spaces its 6 events 400 ms apart: a buffering gateway would deliver them all at once
        assertThat(lines.get(lines.size() - 1)).isEqualTo("data: [DONE]");
        assertThat(arrivals.get(arrivals.size() - 1) - arrivals.get(0)).isGreaterThan(1500);
        // the client did not ask for usage: the gateway metered it but did not forward the usage chunk
        assertThat(lines).noneMatch(l -> l.contains("\"usage\":{"));
    }

    @Test
    void aClientDisconnectCancelsTheUpstreamAndKeepsThePartialUsage() throws Exception {
        String id = UUID.randomUUID().toString();
        int closedBefore = GatewayTestResource.upstream.closedConnections();
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest req = HttpRequest.newBuilder(URI.create(root + "v1/chat/completions"))
                .header("Authorization", KEY)
                .header("x-request-id", id)
                .POST(HttpRequest.BodyPublishers.ofString(chat("slow-stream", true)))
                .build();
        HttpResponse<java.io.InputStream> resp = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
        BufferedReader r = new BufferedReader(new InputStreamReader(resp.body(), StandardCharsets.UTF_8));
        int events = 0;
        String line;
        while (events < 2 && (line = r.readLine()) != null) {
            if (line.startsWith("data: ")) {
                events++;
            }
        }
        resp.body().close();
        UsageRecord record = usage.await(id, Duration.ofSeconds(5));
        assertThat(record.status()).isEqualTo("failure");
        assertThat(record.errorType()).isEqualTo("client_disconnected");
        assertThat(record.promptTokens()).isGreaterThan(0);
        assertThat(record.completionTokens()).isGreaterThan(0);
        assertThat(record.stream()).isTrue();
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (GatewayTestResource.upstream.closedConnections() == closedBefore && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(GatewayTestResource.upstream.closedConnections()).isGreaterThan(closedBefore);
        Thread.sleep(1500);
        assertThat(usage.count(id)).isEqualTo(1);
    }

    /**
     * A JSON call whose client leaves while the provider works is billed once at its prompt estimate (the provider
     * may bill it), as a stream's is: before, it left no usage record at all, and with write-ahead usage its journal
     * entry would have stayed open until the next restart.
     */
    @Test
    void aClientThatLeavesAJsonCallInFlightIsBilledOnceAtThePromptEstimate() throws Exception {
        String id = UUID.randomUUID().toString();
        String body = chat("hang", false);
        try (java.net.Socket s = new java.net.Socket(root.getHost(), root.getPort())) {
            String head = "POST /v1/chat/completions HTTP/1.1\r\nHost: " + root.getHost() + "\r\nAuthorization: "
                    + KEY + "\r\nx-request-id: " + id + "\r\ncontent-type: application/json\r\ncontent-length: "
                    + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n";
            s.getOutputStream().write((head + body).getBytes(StandardCharsets.UTF_8));
            s.getOutputStream().flush();
            Thread.sleep(200); // the upstream ("hang") never answers; its timeout is 0.5 s
        }
        UsageRecord record = usage.await(id, Duration.ofSeconds(5));
        assertThat(record.httpStatus()).isEqualTo(499);
        assertThat(record.errorType()).isEqualTo("client_disconnected");
        assertThat(record.promptTokens()).isGreaterThan(0);
        assertThat(record.stream()).isFalse();
        Thread.sleep(800); // past the upstream timeout: no second record (e.g. a 408) for the same call
        assertThat(usage.count(id)).isEqualTo(1);
    }

    @Test
    void anUpstreamFailureMidStreamEndsWithAnErrorEventAndDone() throws Exception {
        String id = UUID.randomUUID().toString();
        String body = given().header("Authorization", KEY)
                .header("x-request-id", id)
                .body(chat("drop-stream", true))
                .post("/v1/chat/completions")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertThat(body).contains("\"content\":\"Paris\"");
        assertThat(body).contains("data: {\"error\":{");
        assertThat(body.trim()).endsWith("data: [DONE]");
        UsageRecord r = usage.await(id, Duration.ofSeconds(5));
        assertThat(r.status()).isEqualTo("failure");
        assertThat(r.completionTokens()).isGreaterThan(0);
    }

    @Test
    void streamedUsageIsRecordedOnceWithTimeToFirstToken() {
        String id = UUID.randomUUID().toString();
        given().header("Authorization", KEY)
                .header("x-request-id", id)
                .body(chat("upstream-chat", true))
                .post("/v1/chat/completions")
                .then()
                .statusCode(200);
        UsageRecord r = usage.await(id, Duration.ofSeconds(5));
        assertThat(r.promptTokens()).isEqualTo(14);
        assertThat(r.completionTokens()).isEqualTo(5);
        assertThat(r.ttftMs()).isNotNull();
        assertThat(r.stream()).isTrue();
        assertThat(usage.count(id)).isEqualTo(1);
    }

    @Test
    void mockDeploymentsServeTextCompletionsToo() {
        given().header("Authorization", KEY)
                .body("{\"model\":\"demo-chat\",\"prompt\":\"Once upon a time\"}")
                .post("/v1/completions")
                .then()
                .statusCode(200)
                .body("object", equalTo("text_completion"))
                .body("choices[0].text", equalTo("Hello from the offline demo model."));
    }

    @Test
    void metricsAreServedAtMetricsAsLiteLlmAndUnderQ() {
        given().get("/metrics").then().statusCode(200).body(containsString("# TYPE"));
        given().get("/q/metrics").then().statusCode(200);
    }
}
