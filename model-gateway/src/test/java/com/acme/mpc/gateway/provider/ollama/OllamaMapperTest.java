package com.acme.mpc.gateway.provider.ollama;

import static com.acme.mpc.gateway.provider.ollama.OllamaTestSupport.assertJsonEquals;
import static com.acme.mpc.gateway.provider.ollama.OllamaTestSupport.fixture;
import static com.acme.mpc.gateway.provider.ollama.OllamaTestSupport.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.acme.mpc.gateway.core.GatewayException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class OllamaMapperTest {

    @Test
    void chatRequestCarriesMessagesOptionsToolsAndFormat() {
        ObjectNode openAi = json("""
                {"model":"llama3.2",
                 "messages":[
                   {"role":"developer","content":"Be terse."},
                   {"role":"user","content":[
                      {"type":"text","text":"What is in this picture?"},
                      {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}},
                      {"type":"text","text":"And the weather?"}]},
                   {"role":"assistant","content":null,"tool_calls":[
                      {"id":"call_1","type":"function",
                       "function":{"name":"get_current_weather","arguments":"{\\"city\\":\\"Paris\\"}"}}]},
                   {"role":"tool","tool_call_id":"call_1","content":"18C, sunny"}],
                 "temperature":0.2,"top_p":0.9,"top_k":40,
                 "max_tokens":50,"max_completion_tokens":100,
                 "stop":"\\n\\n","seed":7,"frequency_penalty":0.5,"presence_penalty":0.1,
                 "num_ctx":8192,
                 "tools":[{"type":"function","function":{"name":"get_current_weather",
                    "parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}],
                 "tool_choice":"auto",
                 "response_format":{"type":"json_object"},
                 "keep_alive":"10m",
                 "user":"alice","stream_options":{"include_usage":true}}
                """);
        ObjectNode before = openAi.deepCopy();

        ObjectNode ollama = OllamaMapper.toOllamaChatRequest(openAi, "llama3.2", false);

        assertJsonEquals(json("""
                {"model":"llama3.2",
                 "messages":[
                   {"role":"system","content":"Be terse."},
                   {"role":"user","content":"What is in this picture?\\nAnd the weather?",
                    "images":["iVBORw0KGgo="]},
                   {"role":"assistant","content":"","tool_calls":[
                      {"function":{"name":"get_current_weather","arguments":{"city":"Paris"}}}]},
                   {"role":"tool","content":"18C, sunny","tool_name":"get_current_weather"}],
                 "stream":false,
                 "options":{"num_ctx":8192,"top_k":40,"temperature":0.2,"top_p":0.9,"seed":7,
                            "frequency_penalty":0.5,"presence_penalty":0.1,"num_predict":100,"stop":["\\n\\n"]},
                 "tools":[{"type":"function","function":{"name":"get_current_weather",
                    "parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}],
                 "format":"json",
                 "keep_alive":"10m"}
                """), ollama);
        assertEquals(before, openAi, "the client's body is reused on retry and must stay untouched");
    }

    @Test
    void minimalRequestHasNoOptionsAndMaxTokensBecomesNumPredict() {
        ObjectNode ollama = OllamaMapper.toOllamaChatRequest(
                json("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"), "llama3.2", true);
        assertEquals(
                json("{\"model\":\"llama3.2\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":true}"),
                ollama);
        ObjectNode withMax = OllamaMapper.toOllamaChatRequest(
                json(
                        "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":12,\"stop\":[\"a\",\"b\"]}"),
                "m",
                false);
        assertJsonEquals(json("{\"num_predict\":12,\"stop\":[\"a\",\"b\"]}"), withMax.get("options"));
    }

    @Test
    void jsonSchemaResponseFormatBecomesTheSchemaItself() {
        ObjectNode ollama = OllamaMapper.toOllamaChatRequest(json("""
                        {"messages":[{"role":"user","content":"hi"}],
                         "response_format":{"type":"json_schema","json_schema":{"name":"city","strict":true,
                           "schema":{"type":"object","properties":{"name":{"type":"string"}},"required":["name"]}}}}
                        """), "m", false);
        assertEquals(
                json("{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"}},\"required\":[\"name\"]}"),
                ollama.get("format"));
    }

    @Test
    void toolChoiceNoneWithholdsTheTools() {
        ObjectNode ollama = OllamaMapper.toOllamaChatRequest(json("""
                        {"messages":[{"role":"user","content":"hi"}],"tool_choice":"none",
                         "tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object"}}}]}
                        """), "m", false);
        assertFalse(ollama.has("tools"));
    }

    @Test
    void reasoningEffortBecomesThinkLevelOnlyForGptOss() {
        String body = "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"reasoning_effort\":\"high\"}";
        assertJsonEquals(
                json("{\"t\":\"high\"}"),
                json("{\"t\":"
                        + OllamaMapper.toOllamaChatRequest(json(body), "gpt-oss:20b", false)
                                .get("think") + "}"));
        assertTrue(OllamaMapper.toOllamaChatRequest(json(body), "qwen3:8b", false)
                .get("think")
                .booleanValue());
        ObjectNode none = OllamaMapper.toOllamaChatRequest(
                json("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"reasoning_effort\":\"none\"}"),
                "qwen3:8b",
                false);
        assertFalse(none.get("think").booleanValue());
        ObjectNode explicit = OllamaMapper.toOllamaChatRequest(
                json("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"think\":false,"
                        + "\"reasoning_effort\":\"high\"}"),
                "qwen3:8b",
                false);
        assertFalse(explicit.get("think").booleanValue());
        assertFalse(OllamaMapper.toOllamaChatRequest(
                        json("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"), "qwen3:8b", false)
                .has("think"));
    }

    @Test
    void cachedPromptTokensAreReportedAsCachedTokens() {
        ObjectNode answer = json(fixture("chat-response.json"));
        answer.put("prompt_eval_cached_count", 20);
        ObjectNode out = OllamaMapper.toOpenAiChatCompletion(answer, "m");
        assertEquals(26, out.path("usage").path("prompt_tokens").asLong());
        assertEquals(
                20,
                out.path("usage")
                        .path("prompt_tokens_details")
                        .path("cached_tokens")
                        .asLong());
    }

    @Test
    void remoteImageUrlIsRejected() {
        GatewayException e =
                assertThrows(GatewayException.class, () -> OllamaMapper.toOllamaChatRequest(json("""
                                {"messages":[{"role":"user","content":[
                                  {"type":"image_url","image_url":{"url":"https://example.com/cat.png"}}]}]}
                                """), "m", false));
        assertEquals(400, e.status());
        assertEquals("invalid_request_error", e.type());
        assertFalse(e.retriable());
    }

    @Test
    void toolCallArgumentsThatAreNotAJsonObjectAreRejected() {
        GatewayException e =
                assertThrows(GatewayException.class, () -> OllamaMapper.toOllamaChatRequest(json("""
                                {"messages":[{"role":"assistant","content":"","tool_calls":[
                                  {"id":"c","type":"function","function":{"name":"f","arguments":"{not json"}}]}]}
                                """), "m", false));
        assertEquals(400, e.status());
        assertEquals("invalid_request_error", e.type());
    }

    @Test
    void moreThanOneChoiceIsRejected() {
        GatewayException e = assertThrows(
                GatewayException.class,
                () -> OllamaMapper.toOllamaChatRequest(
                        json("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"n\":2}"), "m", false));
        assertEquals("n", e.param());
    }

    @Test
    void plainAnswerBecomesAChatCompletion() {
        ObjectNode out = OllamaMapper.toOpenAiChatCompletion(json(fixture("chat-response.json")), "fallback");

        assertTrue(out.path("id").asText().startsWith("chatcmpl-"));
        assertEquals("chat.completion", out.path("object").asText());
        assertEquals(1736936671L, out.path("created").asLong());
        assertEquals("llama3.2", out.path("model").asText());
        JsonNode choice = out.path("choices").get(0);
        assertEquals("assistant", choice.path("message").path("role").asText());
        assertTrue(choice.path("message").path("content").asText().startsWith("The sky looks blue"));
        assertFalse(choice.path("message").has("tool_calls"));
        assertEquals("stop", choice.path("finish_reason").asText());
        assertJsonEquals(json("{\"prompt_tokens\":26,\"completion_tokens\":28,\"total_tokens\":54}"), out.get("usage"));
    }

    @Test
    void toolCallAnswerGetsIdsStringArgumentsAndToolCallsFinish() {
        ObjectNode out = OllamaMapper.toOpenAiChatCompletion(json(fixture("chat-response-tool-call.json")), "fallback");

        JsonNode choice = out.path("choices").get(0);
        assertEquals("tool_calls", choice.path("finish_reason").asText());
        assertTrue(choice.path("message").path("content").isNull());
        JsonNode call = choice.path("message").path("tool_calls").get(0);
        assertTrue(call.path("id").asText().startsWith("call_"));
        assertFalse(call.has("index"), "index belongs to stream deltas only");
        assertEquals("function", call.path("type").asText());
        assertEquals("get_current_weather", call.path("function").path("name").asText());
        assertTrue(call.path("function").path("arguments").isTextual());
        assertEquals(
                json("{\"city\":\"Toronto\",\"unit\":\"celsius\"}"),
                json(call.path("function").path("arguments").asText()));
    }

    @Test
    void thinkingBecomesReasoningContentAndLengthIsKept() {
        ObjectNode out = OllamaMapper.toOpenAiChatCompletion(json(fixture("chat-response-thinking.json")), "fb");

        JsonNode choice = out.path("choices").get(0);
        assertEquals("length", choice.path("finish_reason").asText());
        assertEquals(
                "The user asks for the capital of France. That is Paris.",
                choice.path("message").path("reasoning_content").asText());
        assertEquals(1748757600L, out.path("created").asLong(), "created_at offset +02:00 must be honoured");
        assertEquals(57, out.path("usage").path("total_tokens").asLong());
    }

    @Test
    void idsAreFreshEachTime() {
        assertNotEquals(OllamaMapper.randomId("call_"), OllamaMapper.randomId("call_"));
        assertEquals("call_".length() + 24, OllamaMapper.randomId("call_").length());
    }
}
