package com.acme.mpc.gateway.provider.gemini;

import static com.acme.mpc.gateway.provider.gemini.GeminiFixtures.API_KEY;
import static com.acme.mpc.gateway.provider.gemini.GeminiFixtures.CREATED;
import static com.acme.mpc.gateway.provider.gemini.GeminiFixtures.fixtureJson;
import static com.acme.mpc.gateway.provider.gemini.GeminiFixtures.json;
import static com.acme.mpc.gateway.provider.gemini.GeminiFixtures.sse;
import static com.acme.mpc.gateway.provider.gemini.GeminiFixtures.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.acme.mpc.gateway.core.GatewayException;
import com.acme.mpc.gateway.provider.http.SseParser;
import com.acme.mpc.gateway.testsupport.ChatChunks;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GeminiStreamTranslatorTest {

    /** A fresh parser and translator fed the fixture as two pieces split at {@code at}. */
    private static List<ObjectNode> translate(String sse, int at) {
        List<ObjectNode> chunks = new ArrayList<>();
        GeminiStreamTranslator translator = new GeminiStreamTranslator(CREATED, "gemini-x", chunks::add, API_KEY);
        SseParser parser = new SseParser(translator::onEvent);
        ChatChunks.feedSplit(ChatChunks.utf8(sse), at, parser::feed);
        parser.end();
        translator.onEnd();
        return chunks;
    }

    /** Tool call ids are random per translation; everything else must be identical at every split point. */
    private static ObjectNode withoutRandomIds(ObjectNode assembled) {
        for (JsonNode call : assembled.path("message").path("tool_calls")) {
            String id = call.path("id").asText();
            ((ObjectNode) call).put("id", id.replaceFirst("call_[0-9a-f]{24}", "call_X"));
        }
        return assembled;
    }

    @ParameterizedTest
    @CsvSource({
        "stream-text.sse,generate-text.json",
        "stream-tool-call.sse,generate-tool-call.json",
        "stream-thinking.sse,generate-thinking.json"
    })
    void everySplitPointYieldsTheSameAnswerAsTheWholeStream(String sse, String whole) {
        String stream = sse(sse);
        ObjectNode reference = withoutRandomIds(ChatChunks.reassemble(translate(stream, 0)));
        int length = ChatChunks.utf8(stream).length;
        for (int at = 1; at < length; at++) {
            assertEquals(reference, withoutRandomIds(ChatChunks.reassemble(translate(stream, at))), "split at " + at);
        }
        // and the stream agrees with the non-streamed answer of the same conversation where they share content
        ObjectNode completion = GeminiMapper.toOpenAiResponse(fixtureJson(whole), CREATED, "m", API_KEY);
        JsonNode choice = completion.path("choices").get(0);
        assertEquals(
                choice.path("finish_reason").asText(),
                reference.path("finish_reason").asText());
        assertEquals(
                choice.path("message").path("reasoning_content").asText(""),
                reference.path("message").path("reasoning_content").asText());
        assertEquals(
                choice.path("message").path("tool_calls").size(),
                reference.path("message").path("tool_calls").size());
    }

    @Test
    void textStreamChunksAndFinalUsage() {
        List<ObjectNode> chunks = translate(sse("stream-text.sse"), 0);
        ObjectNode assembled = ChatChunks.reassemble(chunks);
        assertEquals(
                "Hello! How can I help you today? \uD83D\uDE0A",
                assembled.path("message").path("content").asText());
        assertEquals("stop", assembled.path("finish_reason").asText());
        assertEquals(
                json("{\"prompt_tokens\":9,\"completion_tokens\":12,\"total_tokens\":21}"),
                json(assembled.get("usage").toString()));
        ObjectNode first = chunks.get(0);
        assertEquals("chat.completion.chunk", first.path("object").asText());
        assertEquals("gXyTaNm2Lsm7qtsPqKDU4QE", first.path("id").asText());
        assertEquals("gemini-2.5-flash", first.path("model").asText());
        assertEquals(
                "assistant",
                first.path("choices").get(0).path("delta").path("role").asText());
        for (ObjectNode c : chunks) {
            assertEquals(CREATED, c.path("created").asLong());
            assertEquals("gXyTaNm2Lsm7qtsPqKDU4QE", c.path("id").asText());
        }
        ObjectNode last = chunks.get(chunks.size() - 1);
        assertTrue(last.path("choices").isEmpty(), "the usage chunk comes last");
    }

    @Test
    void toolCallsStreamWithIndexesAndToolCallsFinish() {
        ObjectNode assembled = ChatChunks.reassemble(translate(sse("stream-tool-call.sse"), 0));
        assertEquals("tool_calls", assembled.path("finish_reason").asText());
        assertEquals(
                "Let me check both cities.",
                assembled.path("message").path("content").asText());
        JsonNode calls = assembled.path("message").path("tool_calls");
        assertEquals(2, calls.size());
        assertEquals(
                json("{\"location\":\"Paris, France\",\"unit\":\"celsius\"}"),
                json(calls.get(1).path("function").path("arguments").asText()));
        assertTrue(calls.get(0).path("id").asText().endsWith("__thought__CiQB0e2Kb5cE2lBfqgkUn3Lw0Qv1"));
        assertEquals(json("""
                {"prompt_tokens":74,"completion_tokens":94,"total_tokens":168,
                 "completion_tokens_details":{"reasoning_tokens":52}}"""), json(assembled.get("usage").toString()));
    }

    @Test
    void anErrorObjectAfter200FailsTheStreamWithItsStatus() {
        List<ObjectNode> chunks = new ArrayList<>();
        GeminiStreamTranslator translator = new GeminiStreamTranslator(CREATED, "m", chunks::add, API_KEY);
        SseParser parser = new SseParser(translator::onEvent);
        GatewayException e = assertThrows(
                GatewayException.class, () -> parser.feed(ChatChunks.utf8(sse("stream-error-after-200.sse"))));
        assertEquals(503, e.status());
        assertTrue(e.retriable());
        assertEquals("gemini: The model is overloaded. Please try again later.", e.getMessage());
        assertEquals(
                "Once upon a time",
                ChatChunks.reassemble(chunks).path("message").path("content").asText());
    }

    @Test
    void aStreamCutBeforeItsFinishReasonIsTruncated() {
        String sse = sse("stream-text.sse");
        String cut = sse.substring(0, sse.lastIndexOf("data: "));
        GatewayException e = assertThrows(GatewayException.class, () -> translate(cut, 0));
        assertEquals("upstream_stream_truncated", e.code());
    }

    @Test
    void aBlockedPromptEndsTheStreamAsContentFilter() {
        String blocked = "data: " + text("generate-prompt-blocked.json").replace("\n", "") + "\r\n\r\n";
        ObjectNode assembled = ChatChunks.reassemble(translate(blocked, 0));
        assertEquals("content_filter", assembled.path("finish_reason").asText());
        assertEquals(12, assembled.path("usage").path("prompt_tokens").asInt());
    }
}
