package com.acme.mpc.gateway.provider.ollama;

import static com.acme.mpc.gateway.provider.ollama.OllamaTestSupport.assertJsonEquals;
import static com.acme.mpc.gateway.provider.ollama.OllamaTestSupport.call;
import static com.acme.mpc.gateway.provider.ollama.OllamaTestSupport.fixtureBytes;
import static com.acme.mpc.gateway.provider.ollama.OllamaTestSupport.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.acme.mpc.gateway.core.CallType;
import com.acme.mpc.gateway.core.GatewayException;
import com.acme.mpc.gateway.core.OpenAiShapes;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.helpers.test.AssertSubscriber;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class OllamaAdapterStreamTest extends FakeOllamaTestBase {

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
    void resubscribingRestartsTheStreamWithFreshState() {
        ollama.answer(200, NDJSON, fixtureBytes("chat-stream.ndjson"));
        Multi<ObjectNode> stream = adapter.streamChat(call(
                deploymentWithKey(null),
                CallType.CHAT_COMPLETION,
                "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"));

        List<ObjectNode> first = stream.collect().asList().await().atMost(WAIT);
        List<ObjectNode> second = stream.collect().asList().await().atMost(WAIT);

        assertEquals(2, ollama.requests.size());
        assertEquals(6, second.size());
        assertEquals("assistant", delta(second.get(0)).path("role").asText(), "a retry must announce the role again");
        assertFalse(
                first.get(0).path("id").asText().equals(second.get(0).path("id").asText()),
                "each attempt is its own completion");
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
