package com.acme.mpc.gateway.provider.anthropic;

import static com.acme.mpc.gateway.provider.anthropic.AnthropicFixtures.API_KEY;
import static com.acme.mpc.gateway.provider.anthropic.AnthropicFixtures.assertJsonEquals;
import static com.acme.mpc.gateway.provider.anthropic.AnthropicFixtures.call;
import static com.acme.mpc.gateway.provider.anthropic.AnthropicFixtures.deployment;
import static com.acme.mpc.gateway.provider.anthropic.AnthropicFixtures.json;
import static com.acme.mpc.gateway.provider.anthropic.AnthropicFixtures.reassemble;
import static com.acme.mpc.gateway.provider.anthropic.AnthropicFixtures.text;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.acme.mpc.gateway.config.Deployment;
import com.acme.mpc.gateway.config.ProviderKind;
import com.acme.mpc.gateway.core.GatewayException;
import com.acme.mpc.gateway.core.OpenAiShapes;
import com.acme.mpc.gateway.provider.http.UpstreamHttp;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.vertx.core.Vertx;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The adapter against a WireMock stand-in for api.anthropic.com that serves the recorded-format fixtures. */
class AnthropicAdapterTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String TOOL_REQUEST = """
            {"model":"claude-sonnet-4-5-20250929","temperature":0,"user":"u-1","frequency_penalty":0.3,
             "messages":[{"role":"system","content":"Use tools."},{"role":"user","content":"Weather in SF and Paris?"}],
             "tools":[{"type":"function","function":{"name":"get_weather",
               "parameters":{"type":"object","properties":{"location":{"type":"string"},"unit":{"type":"string"}}}}}],
             "tool_choice":"auto"}
            """;
    private static final String TOOL_REQUEST_UPSTREAM = """
            {"model":"claude-sonnet-4-5-20250929","max_tokens":4096,"temperature":0,"metadata":{"user_id":"u-1"},
             "system":"Use tools.",
             "messages":[{"role":"user","content":[{"type":"text","text":"Weather in SF and Paris?"}]}],
             "tools":[{"name":"get_weather",
               "input_schema":{"type":"object","properties":{"location":{"type":"string"},"unit":{"type":"string"}}}}],
             "tool_choice":{"type":"auto"}}
            """;

    private static Vertx vertx;
    private static WireMockServer server;
    private static AnthropicAdapter adapter;
    private static Deployment deployment;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        server = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        server.start();
        adapter = new AnthropicAdapter(new UpstreamHttp(vertx));
        deployment = deployment(URI.create("http://127.0.0.1:" + server.port()));
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

    private static void answer(int status, String body, String... headers) {
        var response = aResponse().withStatus(status).withBody(body);
        for (int i = 0; i < headers.length; i += 2) {
            response = response.withHeader(headers[i], headers[i + 1]);
        }
        server.stubFor(post(urlEqualTo("/v1/messages")).willReturn(response));
    }

    private static LoggedRequest onlyRequest() {
        List<LoggedRequest> requests = server.findAll(postRequestedFor(urlEqualTo("/v1/messages")));
        assertEquals(1, requests.size());
        return requests.get(0);
    }

    @Test
    void chatSendsTheMappedBodyAndHeadersAndTranslatesTheAnswer() throws Exception {
        answer(200, text("message-tool-use.json"), "content-type", "application/json");
        long before = Instant.now().getEpochSecond();
        ObjectNode out =
                adapter.chat(call(deployment, json(TOOL_REQUEST))).await().atMost(WAIT);

        LoggedRequest request = onlyRequest();
        assertEquals(json(TOOL_REQUEST_UPSTREAM), json(request.getBodyAsString()));
        assertEquals(API_KEY, request.getHeader("x-api-key"));
        assertEquals("2023-06-01", request.getHeader("anthropic-version"));
        assertTrue(request.getHeader("content-type").startsWith("application/json"));
        assertFalse(request.containsHeader("authorization"), "Anthropic authenticates with x-api-key only");

        assertEquals("chat.completion", out.path("object").asText());
        assertEquals("msg_01Aq9w938a90dw8q", out.path("id").asText());
        assertTrue(out.path("created").asLong() >= before);
        JsonNode choice = out.path("choices").get(0);
        assertEquals("tool_calls", choice.path("finish_reason").asText());
        assertEquals(2, choice.path("message").path("tool_calls").size());
        assertJsonEquals(json("""
                {"prompt_tokens":472,"completion_tokens":118,"total_tokens":590}"""), out.get("usage"));
    }

    @Test
    void apiBaseWithV1SuffixIsTolerated() {
        answer(200, text("message-text.json"), "content-type", "application/json");
        Deployment withV1 = deployment(URI.create("http://127.0.0.1:" + server.port() + "/v1"));
        ObjectNode out = adapter.chat(call(withV1, json("""
                        {"model":"claude-sonnet-4-5-20250929","messages":[{"role":"user","content":"Hi"}]}"""))).await().atMost(WAIT);
        assertEquals("stop", out.path("choices").get(0).path("finish_reason").asText());
        onlyRequest();
    }

    @Test
    void onlyTheAnthropicBetaExtraHeaderIsForwarded() {
        answer(200, text("message-text.json"), "content-type", "application/json");
        adapter.chat(call(deployment, json("""
                                {"model":"claude-sonnet-4-5-20250929","messages":[{"role":"user","content":"Hi"}],
                                 "extra_headers":{"anthropic-beta":"context-1m-2025-08-07","x-api-key":"sk-ant-other",
                                                  "anthropic-version":"2099-01-01"}}
                                """))).await().atMost(WAIT);
        LoggedRequest request = onlyRequest();
        assertEquals("context-1m-2025-08-07", request.getHeader("anthropic-beta"));
        assertEquals(API_KEY, request.getHeader("x-api-key"));
        assertEquals("2023-06-01", request.getHeader("anthropic-version"));
        assertFalse(json(request.getBodyAsString()).has("extra_headers"));
    }

    @Test
    void defaultApiBaseIsAnthropics() {
        assertEquals(
                URI.create("https://api.anthropic.com/v1/messages"), AnthropicAdapter.messagesUrl(deployment(null)));
        assertEquals(
                URI.create("https://proxy.internal/anthropic/v1/messages"),
                AnthropicAdapter.messagesUrl(deployment(URI.create("https://proxy.internal/anthropic/v1/"))));
    }

    @Test
    void invalidRequestFailsBeforeAnyUpstreamCall() {
        GatewayException e = assertThrows(
                GatewayException.class,
                () -> adapter.chat(call(deployment, json("""
                        {"model":"m","n":3,"messages":[{"role":"user","content":"Hi"}]}"""))).await().atMost(WAIT));
        assertEquals(400, e.status());
        assertEquals("n", e.param());
        assertEquals(0, server.getAllServeEvents().size());
    }

    @Test
    void overloaded529IsRetriableAndKeepsItsStatus() {
        answer(529, text("error-529-overloaded.json"), "content-type", "application/json");
        GatewayException e = chatFailure();
        assertEquals(529, e.status());
        assertEquals("api_error", e.type());
        assertEquals("overloaded", e.code());
        assertTrue(e.retriable());
        assertEquals("anthropic: Overloaded", e.getMessage());
    }

    @Test
    void rateLimit429HonoursRetryAfter() {
        answer(429, text("error-429-rate-limit.json"), "content-type", "application/json", "retry-after", "7");
        GatewayException e = chatFailure();
        assertEquals(429, e.status());
        assertEquals("rate_limit_error", e.type());
        assertTrue(e.retriable());
        assertEquals(7000, e.retryAfterMillis());
        assertTrue(e.getMessage().contains("50,000 input tokens per minute"));
    }

    @Test
    void spendLimit429IsNotRetriable() {
        answer(429, text("error-429-spend-limit.json"), "content-type", "application/json", "retry-after", "60");
        GatewayException e = chatFailure();
        assertEquals(429, e.status());
        assertFalse(e.retriable());
        assertEquals("enforced_spend_limit_reached", e.code());
    }

    @Test
    void promptTooLongCarriesTheContextLengthCode() {
        answer(400, text("error-400-prompt-too-long.json"), "content-type", "application/json");
        GatewayException e = chatFailure();
        assertEquals(400, e.status());
        assertEquals("invalid_request_error", e.type());
        assertEquals("context_length_exceeded", e.code());
        assertFalse(e.retriable());
        assertEquals("anthropic: prompt is too long: 208736 tokens > 200000 maximum", e.getMessage());
    }

    @Test
    void authenticationErrorNeverEchoesTheKey() {
        // a hostile or misconfigured proxy in front of Anthropic might echo the key back
        answer(
                401,
                "{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\",\"message\":\"invalid x-api-key "
                        + API_KEY + "\"}}",
                "content-type",
                "application/json");
        GatewayException e = chatFailure();
        assertEquals(401, e.status());
        assertEquals("authentication_error", e.type());
        assertFalse(e.getMessage().contains(API_KEY));
        assertTrue(e.getMessage().startsWith("anthropic: invalid x-api-key"));
    }

    @Test
    void streamingSendsStreamTrueAndYieldsChunksThenUsage() {
        server.stubFor(post(urlEqualTo("/v1/messages"))
                .willReturn(aResponse()
                        .withStatus(200)
                        .withHeader("content-type", "text/event-stream; charset=utf-8")
                        .withBody(text("stream-tool-use.sse"))));
        List<ObjectNode> chunks = adapter.streamChat(call(deployment, json(TOOL_REQUEST)))
                .collect()
                .asList()
                .await()
                .atMost(WAIT);

        ObjectNode expectedBody = json(TOOL_REQUEST_UPSTREAM).put("stream", true);
        assertEquals(expectedBody, json(onlyRequest().getBodyAsString()));
        assertEquals(
                "assistant",
                chunks.get(0).path("choices").get(0).path("delta").path("role").asText());
        assertTrue(OpenAiShapes.isUsageChunk(chunks.get(chunks.size() - 1)));
        ObjectNode assembled = reassemble(chunks);
        assertEquals("tool_calls", assembled.path("finish_reason").asText());
        assertEquals(
                "I'll check the weather in both cities.",
                assembled.path("message").path("content").asText());
        assertEquals(
                json("""
                        {"location":"Paris, France","unit":"celsius"}"""),
                json(assembled
                        .path("message")
                        .path("tool_calls")
                        .get(1)
                        .path("function")
                        .path("arguments")
                        .asText()));
    }

    @Test
    void streamRejectedWithStatusIsMapped() {
        answer(529, text("error-529-overloaded.json"), "content-type", "application/json", "retry-after", "2");
        GatewayException e = assertThrows(
                GatewayException.class,
                () -> adapter.streamChat(call(deployment, json(TOOL_REQUEST)))
                        .collect()
                        .asList()
                        .await()
                        .atMost(WAIT));
        assertEquals(529, e.status());
        assertTrue(e.retriable());
        assertEquals(2000, e.retryAfterMillis());
    }

    @Test
    void adapterSpeaksTheAnthropicProtocol() {
        assertEquals(ProviderKind.Protocol.ANTHROPIC, adapter.protocol());
        GatewayException e = assertThrows(
                GatewayException.class,
                () -> adapter.embeddings(call(deployment, json("{\"model\":\"m\",\"input\":\"x\"}")))
                        .await()
                        .atMost(WAIT));
        assertEquals(400, e.status());
    }

    private GatewayException chatFailure() {
        return assertThrows(
                GatewayException.class,
                () -> adapter.chat(call(deployment, json(TOOL_REQUEST))).await().atMost(WAIT));
    }
}
