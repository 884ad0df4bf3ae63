package com.acme.mpc.gateway.provider.cohere;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.acme.mpc.gateway.core.GatewayException;
import com.acme.mpc.gateway.core.Json;
import com.acme.mpc.gateway.provider.http.SseParser;
import com.acme.mpc.gateway.testsupport.ChatChunks;
import com.acme.mpc.gateway.testsupport.FakeUpstream;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CohereStreamTranslatorTest {
    private static final long CREATED = 1_765_000_000L;

    private static List<ObjectNode> translate(String sse, int at) {
        List<ObjectNode> chunks = new ArrayList<>();
        CohereStreamTranslator t = new CohereStreamTranslator(CREATED, "command-r", chunks::add, "co-key");
        SseParser parser = new SseParser(e -> {
            if (!"[DONE]".equals(e.data())) {
                t.onEvent(e);
            }
        });
        ChatChunks.feedSplit(ChatChunks.utf8(sse), at, parser::feed);
        parser.end();
        t.onEnd();
        return chunks;
    }

    @ParameterizedTest
    @CsvSource({"chat-stream-text.sse,chat-text.json", "chat-stream-tool-call.sse,chat-tool-call.json"})
    void everySplitPointYieldsTheSameAnswer(String sse, String whole) {
        String stream = FakeUpstream.read("fixtures/cohere/" + sse);
        ObjectNode reference = ChatChunks.reassemble(translate(stream, 0));
        int length = ChatChunks.utf8(stream).length;
        for (int at = 1; at < length; at++) {
            assertEquals(reference, ChatChunks.reassemble(translate(stream, at)), "split at " + at);
        }
        JsonNode choice = CohereMapper.toOpenAiResponse(
                        Json.objectOrNull(FakeUpstream.read("fixtures/cohere/" + whole)), CREATED, "m", "k")
                .path("choices")
                .get(0);
        assertEquals(
                choice.path("finish_reason").asText(),
                reference.path("finish_reason").asText());
        assertEquals(
                choice.path("message").path("tool_calls"),
                reference.path("message").path("tool_calls").isEmpty()
                        ? com.fasterxml.jackson.databind.node.MissingNode.getInstance()
                        : normalized(reference.path("message").path("tool_calls")));
    }

    private static JsonNode normalized(JsonNode calls) {
        for (JsonNode c : calls) {
            ObjectNode fn = (ObjectNode) c.get("function");
            fn.put("arguments", Json.objectOrNull(fn.path("arguments").asText()).toString());
        }
        return calls;
    }

    @Test
    void textAndUsage() {
        List<ObjectNode> chunks = translate(FakeUpstream.read("fixtures/cohere/chat-stream-text.sse"), 0);
        ObjectNode a = ChatChunks.reassemble(chunks);
        assertEquals(
                "Hello! How can I help you today? \uD83D\uDE0A",
                a.path("message").path("content").asText());
        assertEquals(5, a.path("usage").path("prompt_tokens").asInt());
        assertEquals(11, a.path("usage").path("completion_tokens").asInt());
        assertEquals(
                "29f14a5a-11de-4cae-9800-25e4747408ea", chunks.get(0).path("id").asText());
    }

    @Test
    void truncatedStreamFails() {
        String stream = FakeUpstream.read("fixtures/cohere/chat-stream-text.sse");
        String cut = stream.substring(0, stream.indexOf("event: message-end"));
        GatewayException e = assertThrows(GatewayException.class, () -> translate(cut, 0));
        assertEquals("upstream_stream_truncated", e.code());
    }
}
