package com.acme.mpc.gateway.provider.ollama;

import static com.acme.mpc.gateway.provider.ollama.OllamaTestSupport.assertJsonEquals;
import static com.acme.mpc.gateway.provider.ollama.OllamaTestSupport.call;
import static com.acme.mpc.gateway.provider.ollama.OllamaTestSupport.deployment;
import static com.acme.mpc.gateway.provider.ollama.OllamaTestSupport.fixture;
import static com.acme.mpc.gateway.provider.ollama.OllamaTestSupport.fixtureBytes;
import static com.acme.mpc.gateway.provider.ollama.OllamaTestSupport.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.acme.mpc.gateway.config.Deployment;
import com.acme.mpc.gateway.config.ProviderKind;
import com.acme.mpc.gateway.core.CallType;
import com.acme.mpc.gateway.core.GatewayException;
import com.acme.mpc.gateway.core.OpenAiShapes;
import com.acme.mpc.gateway.provider.http.UpstreamHttp;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.helpers.test.AssertSubscriber;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OllamaAdapterTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String JSON = "application/json; charset=utf-8";
    private static final String NDJSON = "application/x-ndjson";

    private Vertx vertx;
    private FakeOllama ollama;
    private OllamaAdapter adapter;

    @BeforeEach
    void setUp() throws Exception {
        vertx = Vertx.vertx();
        ollama = FakeOllama.start(vertx);
        adapter = new OllamaAdapter(new UpstreamHttp(vertx));
    }

    @AfterEach
    void tearDown() throws Exception {
        ollama.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    private Deployment deploymentWithKey(String key) {
        // A trailing slash on api_base is common in configs and must not produce "//api/chat".
        return deployment(java.net.URI.create(ollama.uri() + "/"), key);
    }

    @Test
    void protocolIsOllama() {
        assertEquals(ProviderKind.Protocol.OLLAMA, adapter.protocol());
    }

    @Test
    void chatPostsNativeRequestAndTranslatesTheAnswer() {
        ollama.answer(200, JSON, fixtureBytes("chat-response.json"));

        ObjectNode out = adapter.chat(call(deploymentWithKey(null), CallType.CHAT_COMPLETION, """
                        {"model":"local-llama","messages":[{"role":"user","content":"Why is the sky blue?"}],
                         "temperature":0.7,"max_tokens":256}
                        """))
                .await()
                .atMost(WAIT);

        FakeOllama.Recorded req = ollama.onlyRequest();
        assertEquals("POST", req.method());
        assertEquals("/api/chat", req.path());
        assertTrue(req.headers().get("content-type").startsWith("application/json"));
        assertNull(req.headers().get("authorization"), "plain Ollama gets no credentials");
        assertJsonEquals(json("""
                        {"model":"llama3.2","messages":[{"role":"user","content":"Why is the sky blue?"}],
                         "stream":false,"options":{"temperature":0.7,"num_predict":256}}
                        """), json(req.body()));

        assertEquals("chat.completion", out.path("object").asText());
        assertEquals("llama3.2", out.path("model").asText());
        assertEquals("stop", out.path("choices").get(0).path("finish_reason").asText());
        assertTrue(out.path("choices")
                .get(0)
                .path("message")
                .path("content")
                .asText()
                .contains("Rayleigh scattering"));
        assertJsonEquals(json("{\"prompt_tokens\":26,\"completion_tokens\":28,\"total_tokens\":54}"), out.get("usage"));
    }

    @Test
    void apiKeyIsSentAsBearerButNeverLeaksIntoErrors() {
        ollama.answer(
                401, JSON, "{\"error\":\"invalid token sk-proxy-abcdef123456\"}".getBytes(StandardCharsets.UTF_8));

        GatewayException e = assertThrows(
                GatewayException.class,
                () -> adapter.chat(call(
                                deploymentWithKey("sk-proxy-abcdef123456"),
                                CallType.CHAT_COMPLETION,
                                "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                        .await()
                        .atMost(WAIT));

        assertEquals(
                "Bearer sk-proxy-abcdef123456", ollama.onlyRequest().headers().get("authorization"));
        assertEquals(401, e.status());
        assertEquals("authentication_error", e.type());
        assertFalse(e.getMessage().contains("abcdef123456"), e.getMessage());
    }

    @Test
    void modelNotFoundMapsTo404ModelNotFound() {
        ollama.answer(404, JSON, fixtureBytes("error-model-not-found.json"));

        GatewayException e = assertThrows(
                GatewayException.class,
                () -> adapter.chat(call(
                                deploymentWithKey(null),
                                CallType.CHAT_COMPLETION,
                                "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                        .await()
                        .atMost(WAIT));

        assertEquals(404, e.status());
        assertEquals("not_found_error", e.type());
        assertEquals("model_not_found", e.code());
        assertFalse(e.retriable());
    }

    @Test
    void busyServerIsRetriableWithItsRetryAfter() {
        ollama.header("retry-after", "3")
                .answer(503, JSON, "{\"error\":\"server busy, please try again.\"}".getBytes(StandardCharsets.UTF_8));

        GatewayException e = assertThrows(
                GatewayException.class,
                () -> adapter.chat(call(
                                deploymentWithKey(null),
                                CallType.CHAT_COMPLETION,
                                "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                        .await()
                        .atMost(WAIT));

        assertEquals(503, e.status());
        assertTrue(e.retriable());
        assertEquals(3000, e.retryAfterMillis());
    }

    @Test
    void invalidRequestFailsWithoutCallingOllama() {
        GatewayException e = assertThrows(
                GatewayException.class,
                () -> adapter.chat(call(deploymentWithKey(null), CallType.CHAT_COMPLETION, """
                                {"messages":[{"role":"user","content":[
                                  {"type":"image_url","image_url":{"url":"http://example.com/a.png"}}]}]}
                                """))
                        .await()
                        .atMost(WAIT));

        assertEquals(400, e.status());
        assertTrue(ollama.requests.isEmpty());
    }

    @Test
    void streamSplitAcrossDelayedWritesYieldsChunksAndUsage() {
        byte[] bytes = fixtureBytes("chat-stream.ndjson");
        // Cut inside the multi-byte sun emoji of the third line, and inside the JSON of the first line.
        int emoji = indexOf(bytes, "☀".getBytes(StandardCharsets.UTF_8)) + 1;
        ollama.pauseBetweenParts(30)
                .answer(
                        200,
                        NDJSON,
                        Arrays.copyOfRange(bytes, 0, 40),
                        Arrays.copyOfRange(bytes, 40, emoji),
                        Arrays.copyOfRange(bytes, emoji, bytes.length));

        List<ObjectNode> chunks = adapter.streamChat(call(deploymentWithKey(null), CallType.CHAT_COMPLETION, """
                        {"messages":[{"role":"user","content":"De quelle couleur est le ciel ?"}],
                         "stream":true,"stream_options":{"include_usage":false}}
                        """))
                .collect()
                .asList()
                .await()
                .atMost(WAIT);

        assertJsonEquals(json("""
                        {"model":"llama3.2","messages":[{"role":"user","content":"De quelle couleur est le ciel ?"}],
                         "stream":true}
                        """), json(ollama.onlyRequest().body()));
        assertEquals(6, chunks.size());
        StringBuilder text = new StringBuilder();
        chunks.forEach(c -> text.append(
                c.path("choices").path(0).path("delta").path("content").asText("")));
        assertEquals("Le ciel est bleu ☀️.", text.toString());
        assertEquals("assistant", delta(chunks.get(0)).path("role").asText());
        assertEquals(
                "stop",
                chunks.get(4).path("choices").get(0).path("finish_reason").asText());
        assertTrue(OpenAiShapes.isUsageChunk(chunks.get(5)), "usage chunk even though the client did not ask");
        assertEquals(26, chunks.get(5).path("usage").path("prompt_tokens").asLong());
        assertEquals(5, chunks.get(5).path("usage").path("completion_tokens").asLong());
    }

    @Test
    void streamedToolCallsArriveAsDeltas() {
        ollama.answer(200, NDJSON, fixtureBytes("chat-stream-tool-call.ndjson"));

        List<ObjectNode> chunks = adapter.streamChat(call(deploymentWithKey(null), CallType.CHAT_COMPLETION, """
                        {"messages":[{"role":"user","content":"Weather and time in Paris?"}],
                         "tools":[{"type":"function","function":{"name":"get_current_weather",
                           "parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}]}
                        """))
                .collect()
                .asList()
                .await()
                .atMost(WAIT);

        assertEquals(
                "get_current_weather",
                json(ollama.onlyRequest().body())
                        .path("tools")
                        .get(0)
                        .path("function")
                        .path("name")
                        .asText());
        JsonNode calls = delta(chunks.get(0)).path("tool_calls");
        assertEquals(2, calls.size());
        assertEquals(1, calls.get(1).path("index").asInt());
        assertEquals(
                "{\"timezone\":\"Europe/Paris\"}",
                calls.get(1).path("function").path("arguments").asText());
        assertEquals(
                "tool_calls",
                chunks.get(1).path("choices").get(0).path("finish_reason").asText());
        assertEquals(213, chunks.get(2).path("usage").path("prompt_tokens").asLong());
    }

    @Test
    void errorLineMidStreamFailsTheMultiAsRetriable() {
        ollama.answer(200, NDJSON, fixtureBytes("chat-stream-error.ndjson"));

        Multi<ObjectNode> stream = adapter.streamChat(call(
                deploymentWithKey(null),
                CallType.CHAT_COMPLETION,
                "{\"messages\":[{\"role\":\"user\",\"content\":\"Tell me a story\"}]}"));
        AssertSubscriber<ObjectNode> sub = stream.subscribe().withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
        sub.awaitFailure(WAIT);

        assertEquals(2, sub.getItems().size());
        GatewayException e = assertInstanceOf(GatewayException.class, sub.getFailure());
        assertEquals(502, e.status());
        assertEquals("api_error", e.type());
        assertTrue(e.retriable());
    }

    @Test
    void streamRejectedUpFrontMapsTheStatus() {
        ollama.answer(404, JSON, fixtureBytes("error-model-not-found.json"));

        AssertSubscriber<ObjectNode> sub = adapter.streamChat(call(
                        deploymentWithKey(null),
                        CallType.CHAT_COMPLETION,
                        "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                .subscribe()
                .withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
        sub.awaitFailure(WAIT);

        GatewayException e = assertInstanceOf(GatewayException.class, sub.getFailure());
        assertEquals(404, e.status());
        assertEquals("model_not_found", e.code());
    }

    @Test
    void completionUsesGenerate() {
        ollama.answer(200, JSON, fixtureBytes("generate-response.json"));

        ObjectNode out = adapter.completion(call(
                        deploymentWithKey(null),
                        CallType.TEXT_COMPLETION,
                        "{\"model\":\"local-llama\",\"prompt\":\"def fib(n):\",\"max_tokens\":64,\"suffix\":\"\\n\"}"))
                .await()
                .atMost(WAIT);

        FakeOllama.Recorded req = ollama.onlyRequest();
        assertEquals("/api/generate", req.path());
        assertJsonEquals(json("""
                        {"model":"llama3.2","prompt":"def fib(n):","stream":false,
                         "options":{"num_predict":64},"suffix":"\\n"}
                        """), json(req.body()));
        assertEquals("text_completion", out.path("object").asText());
        assertTrue(out.path("choices").get(0).path("text").asText().startsWith("def fib(n):"));
        assertEquals(40, out.path("usage").path("total_tokens").asLong());
    }

    @Test
    void streamedCompletionEndsWithUsage() {
        ollama.answer(200, NDJSON, fixtureBytes("generate-stream.ndjson"));

        List<ObjectNode> chunks = adapter.streamCompletion(
                        call(deploymentWithKey(null), CallType.TEXT_COMPLETION, "{\"prompt\":\"Roses\"}"))
                .collect()
                .asList()
                .await()
                .atMost(WAIT);

        assertTrue(json(ollama.onlyRequest().body()).path("stream").asBoolean());
        assertEquals(5, chunks.size());
        assertEquals(
                "length",
                chunks.get(3).path("choices").get(0).path("finish_reason").asText());
        assertEquals(12, chunks.get(4).path("usage").path("total_tokens").asLong());
    }

    @Test
    void embeddingsUseEmbedAndHonourBase64() {
        ollama.answer(200, JSON, fixture("embed-response.json").getBytes(StandardCharsets.UTF_8));

        ObjectNode out = adapter.embeddings(call(
                        deploymentWithKey(null),
                        CallType.EMBEDDING,
                        "{\"model\":\"local-llama\",\"input\":[\"a\",\"b\"],\"encoding_format\":\"base64\"}"))
                .await()
                .atMost(WAIT);

        FakeOllama.Recorded req = ollama.onlyRequest();
        assertEquals("/api/embed", req.path());
        assertJsonEquals(json("{\"model\":\"llama3.2\",\"input\":[\"a\",\"b\"]}"), json(req.body()));
        assertEquals(2, out.path("data").size());
        assertEquals(
                "9QAlPI+e5rqFGE09YTlAPQ==",
                out.path("data").get(0).path("embedding").asText());
        assertEquals(8, out.path("usage").path("prompt_tokens").asLong());
    }

    @Test
    void unreachableOllamaIsARetriableConnectionError() throws Exception {
        Deployment d = deploymentWithKey(null);
        ollama.close();

        GatewayException e = assertThrows(
                GatewayException.class,
                () -> adapter.chat(call(
                                d, CallType.CHAT_COMPLETION, "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                        .await()
                        .atMost(WAIT));
        assertTrue(e.retriable());
    }

    private static JsonNode delta(ObjectNode chunk) {
        return chunk.path("choices").get(0).path("delta");
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("needle not found");
    }
}
