package com.acme.mpc.gateway.provider.gemini;

import static com.acme.mpc.gateway.provider.gemini.GeminiFixtures.API_KEY;
import static com.acme.mpc.gateway.provider.gemini.GeminiFixtures.call;
import static com.acme.mpc.gateway.provider.gemini.GeminiFixtures.deployment;
import static com.acme.mpc.gateway.provider.gemini.GeminiFixtures.json;
import static com.acme.mpc.gateway.provider.gemini.GeminiFixtures.sse;
import static com.acme.mpc.gateway.provider.gemini.GeminiFixtures.text;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.acme.mpc.gateway.config.Deployment;
import com.acme.mpc.gateway.core.CallType;
import com.acme.mpc.gateway.core.GatewayException;
import com.acme.mpc.gateway.provider.ProviderEnvironment;
import com.acme.mpc.gateway.provider.http.UpstreamHttp;
import com.acme.mpc.gateway.testsupport.ChatChunks;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.vertx.core.Vertx;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The adapter against a WireMock stand-in for generativelanguage.googleapis.com serving the wire-format fixtures. */
class GeminiAdapterTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String HELLO = """
            {"model":"gemini-2.5-flash","messages":[{"role":"system","content":"Be brief."},
             {"role":"user","content":"Hello"}],"max_tokens":50,"user":"u-9","stream_options":{"include_usage":true}}""";
    private static final String HELLO_UPSTREAM = """
            {"contents":[{"role":"user","parts":[{"text":"Hello"}]}],
             "systemInstruction":{"parts":[{"text":"Be brief."}]},
             "generationConfig":{"maxOutputTokens":50}}""";

    private static Vertx vertx;
    private static WireMockServer server;
    private static GeminiAdapter adapter;
    private static Deployment deployment;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        server = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        server.start();
        adapter = new GeminiAdapter(new UpstreamHttp(vertx), new ProviderEnvironment(name -> null));
        deployment = deployment(URI.create("http://127.0.0.1:" + server.port()), API_KEY, "gemini-2.5-flash");
    }

    @AfterAll
    static void stop() throws Exception {
        server.stop();
        vertx.close().toCompletionStage().toCompletableFuture().get();
    }

    @BeforeEach
    void reset() {
        server.resetAll();
    }

    private static void answer(String path, int status, String body, String contentType, String... headers) {
        var response = aResponse().withStatus(status).withBody(body).withHeader("content-type", contentType);
        for (int i = 0; i < headers.length; i += 2) {
            response = response.withHeader(headers[i], headers[i + 1]);
        }
        server.stubFor(post(urlEqualTo(path)).willReturn(response));
    }

    private static LoggedRequest onlyRequest() {
        List<LoggedRequest> requests = server.findAll(anyRequestedFor(anyUrl()));
        assertEquals(1, requests.size());
        return requests.get(0);
    }

    @Test
    void chatPostsGenerateContentWithTheKeyInAHeaderAndTranslatesTheAnswer() {
        answer("/v1beta/models/gemini-2.5-flash:generateContent", 200, text("generate-text.json"), "application/json");
        ObjectNode out = adapter.chat(call(deployment, CallType.CHAT_COMPLETION, json(HELLO)))
                .await()
                .atMost(WAIT);

        LoggedRequest request = onlyRequest();
        assertEquals(json(HELLO_UPSTREAM), json(request.getBodyAsString()));
        assertEquals(API_KEY, request.getHeader("x-goog-api-key"));
        assertTrue(request.getHeader("content-type").startsWith("application/json"));
        assertFalse(request.getUrl().contains("key="), "the key never goes into the URL");
        assertFalse(request.containsHeader("authorization"));
        assertEquals(
                "Hello! How can I help you today?",
                out.path("choices").get(0).path("message").path("content").asText());
        assertEquals(19, out.path("usage").path("total_tokens").asInt());
    }

    @Test
    void streamPostsStreamGenerateContentWithAltSseAndRelaysChunks() {
        answer(
                "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse",
                200,
                sse("stream-tool-call.sse"),
                "text/event-stream");
        List<ObjectNode> chunks = adapter.streamChat(call(deployment, CallType.CHAT_COMPLETION, json(HELLO)))
                .collect()
                .asList()
                .await()
                .atMost(WAIT);
        LoggedRequest request = onlyRequest();
        assertEquals(json(HELLO_UPSTREAM), json(request.getBodyAsString()));
        assertEquals(API_KEY, request.getHeader("x-goog-api-key"));
        ObjectNode assembled = ChatChunks.reassemble(chunks);
        assertEquals("tool_calls", assembled.path("finish_reason").asText());
        assertEquals(2, assembled.path("message").path("tool_calls").size());
        assertEquals(168, assembled.path("usage").path("total_tokens").asInt());
    }

    @Test
    void oneInputUsesEmbedContentAndAListUsesBatchEmbedContents() {
        Deployment embed = deployment(
                URI.create("http://127.0.0.1:" + server.port() + "/v1beta/"), API_KEY, "gemini-embedding-001");
        answer("/v1beta/models/gemini-embedding-001:embedContent", 200, text("embed-content.json"), "application/json");
        ObjectNode one = adapter.embeddings(call(embed, CallType.EMBEDDING, json("""
                        {"model":"gemini-embedding-001","input":"hello world","dimensions":4}""")))
                .await()
                .atMost(WAIT);
        assertEquals(json("""
                {"model":"models/gemini-embedding-001","content":{"parts":[{"text":"hello world"}]},
                 "outputDimensionality":4}"""), json(onlyRequest().getBodyAsString()));
        assertEquals(json("""
                {"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.0132,-0.0089,-0.0521,0.0417]}],
                 "model":"gemini-embedding-001","usage":{"prompt_tokens":3,"total_tokens":3}}"""), json(one.toString()));

        server.resetAll();
        answer(
                "/v1beta/models/gemini-embedding-001:batchEmbedContents",
                200,
                text("batch-embed-contents.json"),
                "application/json");
        ObjectNode two = adapter.embeddings(call(embed, CallType.EMBEDDING, json("""
                        {"model":"gemini-embedding-001","input":["first","second"],"encoding_format":"base64"}""")))
                .await()
                .atMost(WAIT);
        assertEquals(json("""
                {"requests":[{"model":"models/gemini-embedding-001","content":{"parts":[{"text":"first"}]}},
                             {"model":"models/gemini-embedding-001","content":{"parts":[{"text":"second"}]}}]}"""), json(onlyRequest().getBodyAsString()));
        assertEquals(2, two.path("data").size());
        assertEquals(1, two.path("data").get(1).path("index").asInt());
        // base64 of four little-endian float32s: 16 bytes
        assertEquals(
                16,
                java.util.Base64.getDecoder()
                        .decode(two.path("data").get(1).path("embedding").asText())
                        .length);
    }

    @Test
    void theKeyFallsBackToGeminiApiKeyAndIsRequired() {
        answer("/v1beta/models/gemini-2.5-flash:generateContent", 200, text("generate-text.json"), "application/json");
        Deployment keyless = deployment(URI.create("http://127.0.0.1:" + server.port()), null, "gemini-2.5-flash");
        GeminiAdapter fromEnv = new GeminiAdapter(
                new UpstreamHttp(vertx), new ProviderEnvironment(Map.of("GEMINI_API_KEY", "AIza-from-env")::get));
        fromEnv.chat(call(keyless, CallType.CHAT_COMPLETION, json(HELLO)))
                .await()
                .atMost(WAIT);
        assertEquals("AIza-from-env", onlyRequest().getHeader("x-goog-api-key"));

        server.resetAll();
        GatewayException e = assertThrows(
                GatewayException.class,
                () -> adapter.chat(call(keyless, CallType.CHAT_COMPLETION, json(HELLO)))
                        .await()
                        .atMost(WAIT));
        assertEquals(401, e.status());
        assertFalse(e.retriable());
        assertTrue(server.findAll(anyRequestedFor(anyUrl())).isEmpty());
    }

    @Test
    void modelNamesCannotLeaveTheModelsPath() {
        Deployment odd = deployment(URI.create("https://g.example/"), API_KEY, "../files/x?y");
        assertEquals(
                URI.create("https://g.example/v1beta/models/..%2Ffiles%2Fx%3Fy:generateContent"),
                GeminiAdapter.url(odd, "generateContent", false));
        assertEquals(
                URI.create(
                        "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse"),
                GeminiAdapter.url(deployment(null, API_KEY, "models/gemini-2.5-pro"), "streamGenerateContent", true));
    }

    private GatewayException chatFailure() {
        return assertThrows(
                GatewayException.class,
                () -> adapter.chat(call(deployment, CallType.CHAT_COMPLETION, json(HELLO)))
                        .await()
                        .atMost(WAIT));
    }

    private static void fail(int status, String fixture, String... headers) {
        answer("/v1beta/models/gemini-2.5-flash:generateContent", status, text(fixture), "application/json", headers);
    }

    @Test
    void resourceExhaustedIsARetriable429WithRetryInfosDelay() {
        fail(429, "error-429-resource-exhausted.json");
        GatewayException e = chatFailure();
        assertEquals(429, e.status());
        assertEquals("rate_limit_error", e.type());
        assertTrue(e.retriable());
        assertEquals(32_000, e.retryAfterMillis());
        assertTrue(e.getMessage().startsWith("gemini: You exceeded your current quota"));
    }

    @Test
    void aRetryAfterHeaderWinsOverRetryInfo() {
        fail(429, "error-429-resource-exhausted.json", "retry-after", "3");
        assertEquals(3_000, chatFailure().retryAfterMillis());
    }

    @Test
    void unavailableIsARetriable503() {
        fail(503, "error-503-unavailable.json");
        GatewayException e = chatFailure();
        assertEquals(503, e.status());
        assertTrue(e.retriable());
        assertEquals("gemini: The model is overloaded. Please try again later.", e.getMessage());
    }

    @Test
    void invalidArgumentIsANonRetriable400AndTheTokenLimitIsAContextLengthError() {
        fail(400, "error-400-token-limit.json");
        GatewayException e = chatFailure();
        assertEquals(400, e.status());
        assertEquals("invalid_request_error", e.type());
        assertEquals("context_length_exceeded", e.code());
        assertFalse(e.retriable());
    }

    @Test
    void anInvalidKeyIsA401AndNotFoundIsA404() {
        fail(400, "error-400-api-key-invalid.json");
        GatewayException auth = chatFailure();
        assertEquals(401, auth.status());
        assertEquals("authentication_error", auth.type());
        assertFalse(auth.retriable());

        server.resetAll();
        fail(404, "error-404-not-found.json");
        GatewayException missing = chatFailure();
        assertEquals(404, missing.status());
        assertEquals("model_not_found", missing.code());
    }

    @Test
    void theKeyIsScrubbedFromAnEchoingErrorMessage() {
        answer(
                "/v1beta/models/gemini-2.5-flash:generateContent",
                400,
                "{\"error\":{\"code\":400,\"message\":\"bad key " + API_KEY + "\",\"status\":\"INVALID_ARGUMENT\"}}",
                "application/json");
        GatewayException e = chatFailure();
        assertFalse(e.getMessage().contains(API_KEY));
    }
}
