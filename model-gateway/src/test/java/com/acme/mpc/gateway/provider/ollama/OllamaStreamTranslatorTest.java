package com.acme.mpc.gateway.provider.ollama;

import static com.acme.mpc.gateway.provider.ollama.OllamaTestSupport.assertJsonEquals;
import static com.acme.mpc.gateway.provider.ollama.OllamaTestSupport.fixtureBytes;
import static com.acme.mpc.gateway.provider.ollama.OllamaTestSupport.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.acme.mpc.gateway.core.GatewayException;
import com.acme.mpc.gateway.core.OpenAiShapes;
import com.acme.mpc.gateway.provider.http.StreamDriver;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class OllamaStreamTranslatorTest {

    /** Collects what a driver emits, as UpstreamHttp's emitter would. */
    static final class Recorder implements StreamDriver.Output<ObjectNode> {
        final List<ObjectNode> items = new ArrayList<>();
        Throwable failure;

        @Override
        public void emit(ObjectNode item) {
            items.add(item);
        }

        @Override
        public void fail(Throwable t) {
            if (failure == null) {
                failure = t;
            }
        }
    }

    static Recorder run(StreamDriver<ObjectNode> driver, byte[]... chunks) {
        Recorder out = new Recorder();
        Consumer<byte[]> sink = driver.start(out);
        for (byte[] chunk : chunks) {
            sink.accept(chunk);
        }
        driver.end(out);
        return out;
    }

    @Test
    void contentStreamBecomesChunksThenFinishThenUsage() {
        Recorder out = run(new OllamaStreamTranslator("fallback", null), fixtureBytes("chat-stream.ndjson"));

        assertNull(out.failure);
        List<ObjectNode> items = out.items;
        assertEquals(6, items.size());
        assertJsonEquals(json("{\"role\":\"assistant\",\"content\":\"Le ciel\"}"), delta(items.get(0)));
        assertJsonEquals(json("{\"content\":\" est\"}"), delta(items.get(1)));
        assertJsonEquals(json("{\"content\":\" bleu ☀️\"}"), delta(items.get(2)));
        assertJsonEquals(json("{\"content\":\".\"}"), delta(items.get(3)));
        for (int i = 0; i < 4; i++) {
            assertTrue(choice(items.get(i)).path("finish_reason").isNull());
        }
        assertJsonEquals(json("{}"), delta(items.get(4)));
        assertEquals("stop", choice(items.get(4)).path("finish_reason").asText());

        ObjectNode usage = items.get(5);
        assertTrue(OpenAiShapes.isUsageChunk(usage));
        assertJsonEquals(
                json("{\"prompt_tokens\":26,\"completion_tokens\":5,\"total_tokens\":31}"), usage.get("usage"));

        String id = items.get(0).path("id").asText();
        assertTrue(id.startsWith("chatcmpl-"));
        for (ObjectNode chunk : items) {
            assertEquals(id, chunk.path("id").asText(), "all chunks of one completion share its id");
            assertEquals("chat.completion.chunk", chunk.path("object").asText());
            assertEquals(1736936671L, chunk.path("created").asLong());
            assertEquals("llama3.2", chunk.path("model").asText());
        }
    }

    @Test
    void anySplitOfTheByteStreamGivesTheSameChunks() {
        byte[] bytes = fixtureBytes("chat-stream.ndjson");
        List<String> expected = contents(run(new OllamaStreamTranslator("m", null), bytes));
        for (int cut = 1; cut < bytes.length; cut++) {
            Recorder out = run(
                    new OllamaStreamTranslator("m", null),
                    Arrays.copyOfRange(bytes, 0, cut),
                    Arrays.copyOfRange(bytes, cut, bytes.length));
            assertNull(out.failure, "cut at " + cut);
            assertEquals(expected, contents(out), "cut at " + cut);
        }
    }

    @Test
    void toolCallsBecomeIndexedDeltasAndFinishWithToolCalls() {
        Recorder out = run(new OllamaStreamTranslator("m", null), fixtureBytes("chat-stream-tool-call.ndjson"));

        assertNull(out.failure);
        assertEquals(3, out.items.size());
        JsonNode calls = delta(out.items.get(0)).path("tool_calls");
        assertEquals(2, calls.size());
        for (int i = 0; i < 2; i++) {
            JsonNode call = calls.get(i);
            assertEquals(i, call.path("index").asInt());
            assertTrue(call.path("id").asText().startsWith("call_"));
            assertEquals("function", call.path("type").asText());
        }
        assertEquals(
                "get_current_weather",
                calls.get(0).path("function").path("name").asText());
        assertJsonEquals(
                json("{\"city\":\"Paris\",\"unit\":\"celsius\"}"),
                json(calls.get(0).path("function").path("arguments").asText()));
        assertEquals("get_time", calls.get(1).path("function").path("name").asText());
        assertEquals(
                "tool_calls", choice(out.items.get(1)).path("finish_reason").asText());
        assertEquals(254, out.items.get(2).path("usage").path("total_tokens").asLong());
    }

    @Test
    void errorLineFailsTheStreamAfterTheContentSoFar() {
        Recorder out = run(new OllamaStreamTranslator("m", "secret-key"), fixtureBytes("chat-stream-error.ndjson"));

        assertEquals(2, out.items.size());
        GatewayException e = assertInstanceOf(GatewayException.class, out.failure);
        assertEquals(502, e.status());
        assertEquals("api_error", e.type());
        assertTrue(e.retriable());
        assertTrue(e.getMessage().contains("unexpected EOF"), e.getMessage());
    }

    @Test
    void streamWithoutDoneLineIsATruncationFailure() {
        byte[] bytes = fixtureBytes("chat-stream.ndjson");
        String text = new String(bytes, StandardCharsets.UTF_8);
        byte[] truncated =
                text.substring(0, text.indexOf("\"done\":true") - 100).getBytes(StandardCharsets.UTF_8);
        Recorder out = run(new OllamaStreamTranslator("m", null), truncated);

        GatewayException e = assertInstanceOf(GatewayException.class, out.failure);
        assertEquals(502, e.status());
        assertTrue(out.items.stream().noneMatch(OpenAiShapes::isUsageChunk));
    }

    @Test
    void finalLineWithoutTrailingNewlineStillCompletes() {
        String text = new String(fixtureBytes("chat-stream.ndjson"), StandardCharsets.UTF_8).stripTrailing();
        Recorder out = run(new OllamaStreamTranslator("m", null), text.getBytes(StandardCharsets.UTF_8));

        assertNull(out.failure);
        assertTrue(OpenAiShapes.isUsageChunk(out.items.getLast()));
    }

    @Test
    void thinkingLinesBecomeReasoningContentDeltas() {
        String lines = """
                {"model":"qwen3:8b","created_at":"2025-06-01T06:00:00Z","message":{"role":"assistant","content":"","thinking":"Hmm,"},"done":false}
                {"model":"qwen3:8b","created_at":"2025-06-01T06:00:01Z","message":{"role":"assistant","content":"","thinking":" Paris."},"done":false}
                {"model":"qwen3:8b","created_at":"2025-06-01T06:00:02Z","message":{"role":"assistant","content":"Paris"},"done":false}
                {"model":"qwen3:8b","created_at":"2025-06-01T06:00:03Z","message":{"role":"assistant","content":""},"done":true,"done_reason":"length","prompt_eval_count":12,"eval_count":9}
                """;
        Recorder out = run(new OllamaStreamTranslator("m", null), lines.getBytes(StandardCharsets.UTF_8));

        assertNull(out.failure);
        assertJsonEquals(json("{\"role\":\"assistant\",\"reasoning_content\":\"Hmm,\"}"), delta(out.items.get(0)));
        assertJsonEquals(json("{\"reasoning_content\":\" Paris.\"}"), delta(out.items.get(1)));
        assertJsonEquals(json("{\"content\":\"Paris\"}"), delta(out.items.get(2)));
        assertEquals("length", choice(out.items.get(3)).path("finish_reason").asText());
        assertEquals(21, out.items.get(4).path("usage").path("total_tokens").asLong());
    }

    @Test
    void nonJsonLineFailsTheStream() {
        Recorder out = run(
                new OllamaStreamTranslator("m", null), "<html>proxy error</html>\n".getBytes(StandardCharsets.UTF_8));

        GatewayException e = assertInstanceOf(GatewayException.class, out.failure);
        assertEquals(502, e.status());
        assertTrue(out.items.isEmpty());
    }

    @Test
    void generateStreamBecomesTextCompletionChunksAndUsage() {
        Recorder out = run(new OllamaGenerateStreamTranslator("m", null), fixtureBytes("generate-stream.ndjson"));

        assertNull(out.failure);
        assertEquals(5, out.items.size());
        assertEquals(
                List.of("Roses", " are", " red", ""),
                out.items.subList(0, 4).stream()
                        .map(c -> choice(c).path("text").asText())
                        .toList());
        ObjectNode last = out.items.get(3);
        assertEquals("length", choice(last).path("finish_reason").asText());
        assertEquals("text_completion", last.path("object").asText());
        assertEquals(1736939100L, last.path("created").asLong());

        ObjectNode usage = out.items.get(4);
        assertEquals("text_completion", usage.path("object").asText());
        assertEquals(0, usage.path("choices").size());
        assertJsonEquals(json("{\"prompt_tokens\":9,\"completion_tokens\":3,\"total_tokens\":12}"), usage.get("usage"));
        assertTrue(usage.path("id").asText().startsWith("cmpl-"));
        assertEquals(out.items.get(0).path("id"), usage.path("id"));
    }

    private static JsonNode choice(ObjectNode chunk) {
        return chunk.path("choices").get(0);
    }

    private static JsonNode delta(ObjectNode chunk) {
        return choice(chunk).path("delta");
    }

    /** Chunks without their random id, to compare runs. */
    private static List<String> contents(Recorder out) {
        return out.items.stream()
                .map(c -> {
                    ObjectNode copy = c.deepCopy();
                    copy.remove("id");
                    return copy.toString();
                })
                .toList();
    }
}
