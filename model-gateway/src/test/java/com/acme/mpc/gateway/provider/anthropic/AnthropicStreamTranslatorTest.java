package com.acme.mpc.gateway.provider.anthropic;

import static com.acme.mpc.gateway.provider.anthropic.AnthropicFixtures.CREATED;
import static com.acme.mpc.gateway.provider.anthropic.AnthropicFixtures.assertJsonEquals;
import static com.acme.mpc.gateway.provider.anthropic.AnthropicFixtures.fixtureJson;
import static com.acme.mpc.gateway.provider.anthropic.AnthropicFixtures.json;
import static com.acme.mpc.gateway.provider.anthropic.AnthropicFixtures.reassemble;
import static com.acme.mpc.gateway.provider.anthropic.AnthropicFixtures.text;
import static com.acme.mpc.gateway.provider.anthropic.AnthropicFixtures.translate;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.acme.mpc.gateway.core.GatewayException;
import com.acme.mpc.gateway.core.OpenAiShapes;
import com.acme.mpc.gateway.provider.http.SseEvent;
import com.acme.mpc.gateway.provider.http.SseParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AnthropicStreamTranslatorTest {

    @Test
    void textStreamYieldsRoleContentFinishThenUsage() {
        List<ObjectNode> chunks = translate(text("stream-text.sse"), Integer.MAX_VALUE);
        assertEquals(6, chunks.size());
        assertJsonEquals(json("""
                        {"id":"msg_01XFDUDYJgAACzvnptvVoYEL","object":"chat.completion.chunk","created":1764300000,
                         "model":"claude-sonnet-4-5-20250929",
                         "choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]}
                        """), chunks.get(0));
        assertEquals("Hello!", delta(chunks.get(1)).path("content").asText());
        assertEquals(" How can I help", delta(chunks.get(2)).path("content").asText());
        assertEquals(" you today?", delta(chunks.get(3)).path("content").asText());
        for (int i = 0; i < 4; i++) {
            assertTrue(
                    chunks.get(i).path("choices").get(0).path("finish_reason").isNull(), "chunk " + i);
        }
        assertEquals(
                "stop",
                chunks.get(4).path("choices").get(0).path("finish_reason").asText());
        assertTrue(delta(chunks.get(4)).isEmpty());
        ObjectNode usage = chunks.get(5);
        assertTrue(OpenAiShapes.isUsageChunk(usage));
        assertJsonEquals(json("""
                {"prompt_tokens":12,"completion_tokens":11,"total_tokens":23}"""), usage.get("usage"));
        for (ObjectNode c : chunks) {
            assertEquals("msg_01XFDUDYJgAACzvnptvVoYEL", c.path("id").asText());
            assertEquals(CREATED, c.path("created").asLong());
        }
    }

    @Test
    void toolUseBlocksGetTheirOwnIndexAndArgumentFragments() throws Exception {
        List<ObjectNode> chunks = translate(text("stream-tool-use.sse"), Integer.MAX_VALUE);
        List<JsonNode> toolDeltas = new ArrayList<>();
        for (ObjectNode c : chunks) {
            if (!c.path("choices").isEmpty() && delta(c).has("tool_calls")) {
                toolDeltas.add(delta(c).path("tool_calls").get(0));
            }
        }
        // block 1 and 2 are tool_use; block 0 is text, so the OpenAI indexes are 0 and 1
        assertEquals(json("""
                        {"index":0,"id":"toolu_01T1x1fJ34qAmk2tNTrN7Up6","type":"function",
                         "function":{"name":"get_weather","arguments":""}}
                        """), toolDeltas.get(0));
        assertEquals(json("""
                {"index":0,"function":{"arguments":"{\\"location\\": \\"San Fra"}}"""), toolDeltas.get(1));
        assertEquals(1, toolDeltas.get(4).path("index").asInt());
        assertEquals(
                "toolu_01CqsYJ7YmLj1vKMN4bz5Tmr", toolDeltas.get(4).path("id").asText());
        assertEquals(7, toolDeltas.size(), "empty partial_json fragments are not relayed");

        ObjectNode assembled = reassemble(chunks);
        assertEquals("tool_calls", assembled.path("finish_reason").asText());
        JsonNode calls = assembled.path("message").path("tool_calls");
        assertEquals(
                json("""
                        {"location":"San Francisco, CA","unit":"fahrenheit"}"""), json(calls.get(0).path("function").path("arguments").asText()));
        assertEquals(
                json("""
                        {"location":"Paris, France","unit":"celsius"}"""), json(calls.get(1).path("function").path("arguments").asText()));
        assertJsonEquals(json("""
                {"prompt_tokens":472,"completion_tokens":118,"total_tokens":590}"""), assembled.get("usage"));
    }

    @Test
    void cumulativeUsageWithCacheTokensEndsTheStream() {
        List<ObjectNode> chunks = translate(text("stream-cache.sse"), Integer.MAX_VALUE);
        ObjectNode last = chunks.get(chunks.size() - 1);
        assertTrue(OpenAiShapes.isUsageChunk(last));
        assertJsonEquals(json("""
                        {"prompt_tokens":2059,"completion_tokens":16,"total_tokens":2075,
                         "prompt_tokens_details":{"cached_tokens":1850,"cache_creation_tokens":188}}
                        """), last.get("usage"));
        assertEquals(1, chunks.stream().filter(OpenAiShapes::isUsageChunk).count());
    }

    @Test
    void thinkingIsRelayedAsReasoningContentAndSignaturesAreDropped() {
        List<ObjectNode> chunks = translate(text("stream-thinking.sse"), Integer.MAX_VALUE);
        ObjectNode assembled = reassemble(chunks);
        assertEquals(
                "27 * 453: 27*400 = 10800, 27*53 = 1431, total 12231.",
                assembled.path("message").path("reasoning_content").asText());
        assertEquals(
                "27 * 453 = 12,231", assembled.path("message").path("content").asText());
        assertFalse(chunks.stream().anyMatch(c -> c.toString().contains("EqQBCgIY")));
    }

    /** The two paths share finishReason/usage, and these fixtures describe the same messages. */
    @ParameterizedTest
    @CsvSource({
        "stream-text.sse,message-text.json",
        "stream-tool-use.sse,message-tool-use.json",
        "stream-cache.sse,message-cache.json",
        "stream-thinking.sse,message-thinking.json",
        "stream-json-mode.sse,message-json-mode.json"
    })
    void streamedAndNonStreamedAnswersAgree(String sse, String message) {
        ObjectNode streamed = reassemble(translate(text(sse), 7));
        ObjectNode whole = AnthropicMapper.toOpenAiResponse(fixtureJson(message), CREATED);
        JsonNode wholeMessage = whole.path("choices").get(0).path("message");
        assertEquals(whole.path("choices").get(0).path("finish_reason"), streamed.path("finish_reason"));
        assertEquals(whole.get("usage"), streamed.get("usage"));
        String wholeContent = wholeMessage.path("content").isNull()
                ? ""
                : wholeMessage.path("content").asText();
        String streamedContent = streamed.path("message").path("content").asText();
        if (wholeContent.startsWith("{")) { // JSON mode: same document, whitespace may differ
            assertEquals(json(wholeContent), json(streamedContent));
        } else {
            assertEquals(wholeContent, streamedContent);
        }
        assertEquals(
                wholeMessage.path("reasoning_content").asText(""),
                streamed.path("message").path("reasoning_content").asText());
        JsonNode wholeCalls = wholeMessage.path("tool_calls");
        JsonNode streamedCalls = streamed.path("message").path("tool_calls");
        assertEquals(wholeCalls.size(), streamedCalls.size());
        for (int i = 0; i < wholeCalls.size(); i++) {
            assertEquals(wholeCalls.get(i).path("id"), streamedCalls.get(i).path("id"));
            assertEquals(
                    wholeCalls.get(i).path("function").path("name"),
                    streamedCalls.get(i).path("function").path("name"));
            assertEquals(
                    json(wholeCalls.get(i).path("function").path("arguments").asText()),
                    json(streamedCalls.get(i).path("function").path("arguments").asText()));
        }
    }

    @Test
    void byteByByteDeliveryGivesTheSameChunks() {
        for (String f : List.of("stream-text.sse", "stream-tool-use.sse", "stream-thinking.sse")) {
            assertEquals(translate(text(f), Integer.MAX_VALUE), translate(text(f), 1), f);
        }
    }

    @Test
    void errorEventAfter200FailsWithARetriableOverload() {
        List<ObjectNode> chunks = new ArrayList<>();
        AnthropicStreamTranslator t = new AnthropicStreamTranslator(CREATED, chunks::add, "k");
        SseParser parser = new SseParser(t::onEvent);
        GatewayException e = assertThrows(
                GatewayException.class,
                () -> parser.feed(text("stream-error-after-200.sse").getBytes(StandardCharsets.UTF_8)));
        assertEquals(529, e.status());
        assertEquals("api_error", e.type());
        assertEquals("overloaded", e.code());
        assertTrue(e.retriable());
        assertEquals("anthropic: Overloaded", e.getMessage());
        assertTrue(chunks.isEmpty(), "nothing went out, so the router may still retry or fall back");
        assertFalse(t.finished());
    }

    @Test
    void anErrorAfterContentFollowsTheRelayedChunks() {
        String sse = text("stream-text.sse");
        String withError = sse.substring(0, sse.indexOf("event: content_block_stop"))
                + "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"Internal server error\"}}\n\n";
        List<ObjectNode> chunks = new ArrayList<>();
        AnthropicStreamTranslator t = new AnthropicStreamTranslator(CREATED, chunks::add, "k");
        SseParser parser = new SseParser(t::onEvent);
        GatewayException e =
                assertThrows(GatewayException.class, () -> parser.feed(withError.getBytes(StandardCharsets.UTF_8)));
        assertEquals(500, e.status());
        assertTrue(e.retriable());
        assertEquals(4, chunks.size(), "role and three text chunks");
        assertEquals("assistant", delta(chunks.get(0)).path("role").asText());
    }

    @Test
    void streamCutBeforeMessageStopIsAnError() {
        String sse = text("stream-text.sse");
        String cut = sse.substring(0, sse.indexOf("event: message_delta"));
        GatewayException e = assertThrows(GatewayException.class, () -> translate(cut, 100));
        assertEquals(502, e.status());
        assertTrue(e.retriable());
    }

    @Test
    void unknownEventsAndPingsAreIgnored() {
        List<ObjectNode> chunks = new ArrayList<>();
        AnthropicStreamTranslator t = new AnthropicStreamTranslator(CREATED, chunks::add, "k");
        t.onEvent(new SseEvent("ping", "{\"type\": \"ping\"}"));
        t.onEvent(new SseEvent("brand_new_event", "{\"type\":\"brand_new_event\",\"x\":1}"));
        assertTrue(chunks.isEmpty());
        assertThrows(GatewayException.class, () -> t.onEvent(new SseEvent("message_start", "not json")));
    }

    private static JsonNode delta(ObjectNode chunk) {
        return chunk.path("choices").get(0).path("delta");
    }
}
