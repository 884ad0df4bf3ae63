package com.acme.mpc.gateway.provider.ollama;

import static com.acme.mpc.gateway.provider.ollama.OllamaTestSupport.assertJsonEquals;
import static com.acme.mpc.gateway.provider.ollama.OllamaTestSupport.call;
import static com.acme.mpc.gateway.provider.ollama.OllamaTestSupport.fixture;
import static com.acme.mpc.gateway.provider.ollama.OllamaTestSupport.fixtureBytes;
import static com.acme.mpc.gateway.provider.ollama.OllamaTestSupport.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.acme.mpc.gateway.config.Deployment;
import com.acme.mpc.gateway.config.ProviderKind;
import com.acme.mpc.gateway.core.CallType;
import com.acme.mpc.gateway.core.GatewayException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class OllamaAdapterTest extends FakeOllamaTestBase {

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
}
