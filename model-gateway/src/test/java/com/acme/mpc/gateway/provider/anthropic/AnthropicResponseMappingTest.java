package com.acme.mpc.gateway.provider.anthropic;

import static com.acme.mpc.gateway.provider.anthropic.AnthropicFixtures.CREATED;
import static com.acme.mpc.gateway.provider.anthropic.AnthropicFixtures.assertJsonEquals;
import static com.acme.mpc.gateway.provider.anthropic.AnthropicFixtures.fixtureJson;
import static com.acme.mpc.gateway.provider.anthropic.AnthropicFixtures.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.acme.mpc.gateway.core.Usage;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AnthropicResponseMappingTest {

    @Test
    void textAnswerBecomesAChatCompletion() {
        ObjectNode out = AnthropicMapper.toOpenAiResponse(fixtureJson("message-text.json"), CREATED);
        assertJsonEquals(json("""
                        {"id":"msg_01XFDUDYJgAACzvnptvVoYEL","object":"chat.completion","created":1764300000,
                         "model":"claude-sonnet-4-5-20250929",
                         "choices":[{"index":0,"message":{"role":"assistant","content":"Hello! How can I help you today?"},
                                     "logprobs":null,"finish_reason":"stop"}],
                         "usage":{"prompt_tokens":12,"completion_tokens":11,"total_tokens":23}}
                        """), out);
    }

    @Test
    void toolUseBlocksBecomeToolCallsWithJsonStringArguments() throws Exception {
        ObjectNode out = AnthropicMapper.toOpenAiResponse(fixtureJson("message-tool-use.json"), CREATED);
        JsonNode choice = out.path("choices").get(0);
        assertEquals("tool_calls", choice.path("finish_reason").asText());
        JsonNode message = choice.path("message");
        assertEquals(
                "I'll check the weather in both cities.",
                message.path("content").asText());
        JsonNode calls = message.path("tool_calls");
        assertEquals(2, calls.size());
        assertEquals("toolu_01T1x1fJ34qAmk2tNTrN7Up6", calls.get(0).path("id").asText());
        assertEquals("function", calls.get(0).path("type").asText());
        assertEquals("get_weather", calls.get(0).path("function").path("name").asText());
        assertTrue(calls.get(0).path("function").path("arguments").isTextual());
        assertEquals(
                json("""
                        {"location":"San Francisco, CA","unit":"fahrenheit"}"""),
                AnthropicFixtures.JSON.readTree(
                        calls.get(0).path("function").path("arguments").asText()));
        assertEquals("toolu_01CqsYJ7YmLj1vKMN4bz5Tmr", calls.get(1).path("id").asText());
    }

    @Test
    void onlyToolCallsMeansNullContent() {
        ObjectNode msg = fixtureJson("message-tool-use.json");
        ((com.fasterxml.jackson.databind.node.ArrayNode) msg.get("content")).remove(0);
        JsonNode message = AnthropicMapper.toOpenAiResponse(msg, CREATED)
                .path("choices")
                .get(0)
                .path("message");
        assertTrue(message.get("content").isNull());
    }

    @Test
    void cacheReadsAndWritesCountAsPromptTokensAndAreReportedApart() {
        ObjectNode out = AnthropicMapper.toOpenAiResponse(fixtureJson("message-cache.json"), CREATED);
        assertEquals("length", out.path("choices").get(0).path("finish_reason").asText());
        assertJsonEquals(json("""
                        {"prompt_tokens":2059,"completion_tokens":16,"total_tokens":2075,
                         "prompt_tokens_details":{"cached_tokens":1850,"cache_creation_tokens":188}}
                        """), out.get("usage"));
        assertEquals(new Usage(2059, 16, 1850, 188, 0), Usage.fromOpenAi(out.get("usage")));
    }

    @Test
    void thinkingBecomesReasoningContentAndReplayableBlocks() {
        JsonNode message = AnthropicMapper.toOpenAiResponse(fixtureJson("message-thinking.json"), CREATED)
                .path("choices")
                .get(0)
                .path("message");
        assertEquals("27 * 453 = 12,231", message.path("content").asText());
        assertEquals(
                "27 * 453: 27*400 = 10800, 27*53 = 1431, total 12231.",
                message.path("reasoning_content").asText());
        assertEquals(
                "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds2Ix1Hkol3Gx7hU4=",
                message.path("thinking_blocks").get(0).path("signature").asText());
    }

    @Test
    void jsonModeToolInputBecomesTheContent() {
        JsonNode choice = AnthropicMapper.toOpenAiResponse(fixtureJson("message-json-mode.json"), CREATED)
                .path("choices")
                .get(0);
        assertEquals("stop", choice.path("finish_reason").asText());
        assertFalse(choice.path("message").has("tool_calls"));
        assertEquals(json("""
                        {"name":"Ada Lovelace","born":1815}"""), json(choice.path("message").path("content").asText()));
    }

    @ParameterizedTest
    @CsvSource({
        "end_turn,stop",
        "stop_sequence,stop",
        "max_tokens,length",
        "tool_use,tool_calls",
        "refusal,content_filter",
        "pause_turn,stop",
        "model_context_window_exceeded,length"
    })
    void stopReasonsMapToFinishReasons(String stopReason, String finishReason) {
        assertEquals(finishReason, AnthropicMapper.finishReason(stopReason));
    }

    @Test
    void missingStopReasonHasNoFinishReason() {
        assertNull(AnthropicMapper.finishReason(null));
    }
}
