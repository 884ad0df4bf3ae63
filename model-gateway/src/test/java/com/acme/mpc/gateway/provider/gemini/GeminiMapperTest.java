package com.acme.mpc.gateway.provider.gemini;

import static com.acme.mpc.gateway.provider.gemini.GeminiFixtures.API_KEY;
import static com.acme.mpc.gateway.provider.gemini.GeminiFixtures.CREATED;
import static com.acme.mpc.gateway.provider.gemini.GeminiFixtures.fixtureJson;
import static com.acme.mpc.gateway.provider.gemini.GeminiFixtures.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.acme.mpc.gateway.core.GatewayException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GeminiMapperTest {

    @Test
    void aMultiTurnToolConversationBecomesContentsWithSystemInstructionAndFunctionParts() {
        ObjectNode body = json("""
                {"model":"gemini-2.5-flash","temperature":0.2,"top_p":0.9,"max_tokens":300,"stop":"END","seed":7,
                 "user":"u-1","logit_bias":{"1":2},"frequency_penalty":0.1,
                 "messages":[
                   {"role":"system","content":"You are terse."},
                   {"role":"developer","content":[{"type":"text","text":"Use celsius."}]},
                   {"role":"user","content":[{"type":"text","text":"Weather in SF and Paris?"},
                       {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}}]},
                   {"role":"assistant","content":"","tool_calls":[
                       {"id":"call_a__thought__CiQB0e2K","type":"function",
                        "function":{"name":"get_weather","arguments":"{\\"location\\":\\"SF\\"}"}},
                       {"id":"call_b","type":"function","function":{"name":"get_time","arguments":""}}]},
                   {"role":"tool","tool_call_id":"call_a__thought__CiQB0e2K","content":"{\\"temp\\":18}"},
                   {"role":"tool","tool_call_id":"call_b","content":"10:00"},
                   {"role":"user","content":"Thanks"}],
                 "tools":[{"type":"function","function":{"name":"get_weather","description":"Weather now",
                     "parameters":{"type":"object","properties":{"location":{"type":"string"}},
                                   "required":["location"],"additionalProperties":false}}},
                          {"type":"function","function":{"name":"get_time","parameters":{"type":"object","properties":{}}}}],
                 "tool_choice":"required"}
                """);
        ObjectNode expected = json("""
                {"contents":[
                   {"role":"user","parts":[{"text":"Weather in SF and Paris?"},
                       {"inlineData":{"mimeType":"image/png","data":"iVBORw0KGgo="}}]},
                   {"role":"model","parts":[
                       {"functionCall":{"name":"get_weather","args":{"location":"SF"}},"thoughtSignature":"CiQB0e2K"},
                       {"functionCall":{"name":"get_time","args":{}}}]},
                   {"role":"user","parts":[
                       {"functionResponse":{"name":"get_weather","response":{"temp":18}}},
                       {"functionResponse":{"name":"get_time","response":{"content":"10:00"}}},
                       {"text":"Thanks"}]}],
                 "systemInstruction":{"parts":[{"text":"You are terse."},{"text":"Use celsius."}]},
                 "tools":[{"functionDeclarations":[
                     {"name":"get_weather","description":"Weather now",
                      "parametersJsonSchema":{"type":"object","properties":{"location":{"type":"string"}},
                                              "required":["location"],"additionalProperties":false}},
                     {"name":"get_time"}]}],
                 "toolConfig":{"functionCallingConfig":{"mode":"ANY"}},
                 "generationConfig":{"temperature":0.2,"topP":0.9,"frequencyPenalty":0.1,"seed":7,
                                     "maxOutputTokens":300,"stopSequences":["END"]}}
                """);
        assertEquals(expected, GeminiMapper.toGeminiRequest(body));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "\"auto\"|{\"mode\":\"AUTO\"}",
                "\"none\"|{\"mode\":\"NONE\"}",
                "{\"type\":\"function\",\"function\":{\"name\":\"f\"}}|{\"mode\":\"ANY\",\"allowedFunctionNames\":[\"f\"]}"
            })
    void toolChoiceMapsToFunctionCallingConfig(String choice, String config) {
        ObjectNode body = json("""
                {"messages":[{"role":"user","content":"hi"}],
                 "tools":[{"type":"function","function":{"name":"f"}}],"tool_choice":%s}""".formatted(choice));
        assertEquals(
                json(config),
                GeminiMapper.toGeminiRequest(body).path("toolConfig").path("functionCallingConfig"));
    }

    @Test
    void jsonSchemaThinkingAndSafetySettingsReachTheirGeminiFields() {
        ObjectNode body = json("""
                {"messages":[{"role":"user","content":"List two colours"}],"reasoning_effort":"low",
                 "response_format":{"type":"json_schema","json_schema":{"name":"c","schema":
                     {"type":"object","properties":{"colours":{"type":"array","items":{"type":"string"}}}}}},
                 "safety_settings":[{"category":"HARM_CATEGORY_HARASSMENT","threshold":"BLOCK_ONLY_HIGH"}]}""");
        ObjectNode out = GeminiMapper.toGeminiRequest(body);
        assertEquals(json("""
                {"responseMimeType":"application/json",
                 "responseJsonSchema":{"type":"object","properties":{"colours":{"type":"array","items":{"type":"string"}}}},
                 "thinkingConfig":{"includeThoughts":true,"thinkingBudget":1024}}"""), out.get("generationConfig"));
        assertEquals(
                json("{\"v\":[{\"category\":\"HARM_CATEGORY_HARASSMENT\",\"threshold\":\"BLOCK_ONLY_HIGH\"}]}")
                        .get("v"),
                out.get("safetySettings"));
        assertEquals(
                json("{\"responseMimeType\":\"application/json\"}"),
                GeminiMapper.toGeminiRequest(json("""
                                {"messages":[{"role":"user","content":"x"}],"response_format":{"type":"json_object"}}""")).get("generationConfig"));
        assertEquals(
                json("{\"thinkingConfig\":{\"includeThoughts\":true,\"thinkingBudget\":5000}}"),
                GeminiMapper.toGeminiRequest(json("""
                                {"messages":[{"role":"user","content":"x"}],
                                 "thinking":{"type":"enabled","budget_tokens":5000}}""")).get("generationConfig"));
    }

    @Test
    void invalidRequestsAre400sNamingTheParameter() {
        assertEquals("n", badRequest("{\"n\":2,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"));
        assertEquals(
                "messages[1].tool_call_id",
                badRequest("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"},"
                        + "{\"role\":\"tool\",\"tool_call_id\":\"nobody\",\"content\":\"1\"}]}"));
        assertEquals("messages", badRequest("{\"messages\":[{\"role\":\"system\",\"content\":\"only system\"}]}"));
        assertEquals(
                "messages[0].content[0].image_url",
                badRequest("{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\","
                        + "\"image_url\":{\"url\":\"file:///etc/passwd\"}}]}]}"));
        assertEquals(
                "reasoning_effort",
                badRequest("{\"reasoning_effort\":\"max\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"));
    }

    private static String badRequest(String body) {
        GatewayException e = assertThrows(GatewayException.class, () -> GeminiMapper.toGeminiRequest(json(body)));
        assertEquals(400, e.status());
        return e.param();
    }

    @Test
    void anHttpImageIsAFileUriGoogleFetchesItself() {
        ObjectNode out = GeminiMapper.toGeminiRequest(json("""
                {"messages":[{"role":"user","content":[{"type":"image_url",
                    "image_url":{"url":"https://example.com/cat.webp?x=1"}}]}]}"""));
        assertEquals(
                json("{\"fileData\":{\"mimeType\":\"image/webp\",\"fileUri\":\"https://example.com/cat.webp?x=1\"}}"),
                out.path("contents").get(0).path("parts").get(0));
    }

    @Test
    void textAnswerTranslatesWithUsage() {
        ObjectNode out = GeminiMapper.toOpenAiResponse(fixtureJson("generate-text.json"), CREATED, "m", API_KEY);
        assertEquals(json("""
                {"id":"gXyTaNm2Lsm7qtsPqKDU4QE","object":"chat.completion","created":1764300000,
                 "model":"gemini-2.5-flash",
                 "choices":[{"index":0,"message":{"role":"assistant","content":"Hello! How can I help you today?"},
                             "logprobs":null,"finish_reason":"stop"}],
                 "usage":{"prompt_tokens":9,"completion_tokens":10,"total_tokens":19}}"""), json(out.toString()));
    }

    @Test
    void functionCallsBecomeToolCallsWithTheSignatureInTheId() {
        ObjectNode out = GeminiMapper.toOpenAiResponse(fixtureJson("generate-tool-call.json"), CREATED, "m", API_KEY);
        JsonNode choice = out.path("choices").get(0);
        assertEquals("tool_calls", choice.path("finish_reason").asText());
        assertTrue(choice.path("message").path("content").isNull());
        JsonNode calls = choice.path("message").path("tool_calls");
        assertEquals(2, calls.size());
        assertEquals("get_weather", calls.get(0).path("function").path("name").asText());
        assertEquals(
                json("{\"location\":\"San Francisco, CA\",\"unit\":\"celsius\"}"),
                json(calls.get(0).path("function").path("arguments").asText()));
        assertTrue(
                calls.get(0).path("id").asText().matches("call_[0-9a-f]{24}__thought__CiQB0e2Kb5cE2lBfqgkUn3Lw0Qv1"));
        assertTrue(calls.get(1).path("id").asText().matches("call_[0-9a-f]{24}"));
        assertFalse(
                calls.get(0).path("id").asText().equals(calls.get(1).path("id").asText()));
        // thoughts count as completion tokens (OpenAI's accounting) and are reported as reasoning
        assertEquals(json("""
                {"prompt_tokens":74,"completion_tokens":88,"total_tokens":162,
                 "completion_tokens_details":{"reasoning_tokens":52}}"""), json(out.get("usage").toString()));
    }

    @Test
    void thoughtsAreReasoningContentAndCachedTokensAreReported() {
        ObjectNode out = GeminiMapper.toOpenAiResponse(fixtureJson("generate-thinking.json"), CREATED, "m", API_KEY);
        JsonNode msg = out.path("choices").get(0).path("message");
        assertEquals(
                "There are 8 primes below 20: 2, 3, 5, 7, 11, 13, 17 and 19.",
                msg.path("content").asText());
        assertTrue(msg.path("reasoning_content").asText().startsWith("**Counting the primes**"));
        assertEquals(json("""
                {"prompt_tokens":2061,"completion_tokens":284,"total_tokens":2345,
                 "prompt_tokens_details":{"cached_tokens":2048},
                 "completion_tokens_details":{"reasoning_tokens":253}}"""), json(out.get("usage").toString()));
    }

    @Test
    void safetyStopsAndBlockedPromptsAreContentFilter() {
        assertEquals(
                "content_filter",
                GeminiMapper.toOpenAiResponse(fixtureJson("generate-safety.json"), CREATED, "m", API_KEY)
                        .path("choices")
                        .get(0)
                        .path("finish_reason")
                        .asText());
        ObjectNode blocked =
                GeminiMapper.toOpenAiResponse(fixtureJson("generate-prompt-blocked.json"), CREATED, "m", API_KEY);
        assertEquals(
                "content_filter",
                blocked.path("choices").get(0).path("finish_reason").asText());
        assertEquals(
                "",
                blocked.path("choices").get(0).path("message").path("content").asText());
        assertEquals(12, blocked.path("usage").path("prompt_tokens").asInt());
    }

    @ParameterizedTest
    @CsvSource({
        "STOP,false,stop",
        "STOP,true,tool_calls",
        "MAX_TOKENS,false,length",
        "SAFETY,false,content_filter",
        "RECITATION,false,content_filter",
        "BLOCKLIST,false,content_filter",
        "PROHIBITED_CONTENT,false,content_filter",
        "SPII,false,content_filter",
        "IMAGE_SAFETY,false,content_filter",
        "MALFORMED_FUNCTION_CALL,false,stop",
        "OTHER,false,stop"
    })
    void finishReasons(String gemini, boolean calledTools, String openAi) {
        assertEquals(openAi, GeminiMapper.finishReason(gemini, calledTools));
    }

    @Test
    void anAnswerWithoutCandidateOrBlockReasonIsABadUpstream() {
        GatewayException e = assertThrows(
                GatewayException.class,
                () -> GeminiMapper.toOpenAiResponse(json("{\"usageMetadata\":{}}"), CREATED, "m", API_KEY));
        assertEquals(502, e.status());
        assertTrue(e.retriable());
    }
}
