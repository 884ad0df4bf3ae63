package com.acme.mpc.gateway.provider.bedrock;

import static com.acme.mpc.gateway.provider.bedrock.BedrockFixtures.CREATED;
import static com.acme.mpc.gateway.provider.bedrock.BedrockFixtures.SECRET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.acme.mpc.gateway.core.GatewayException;
import com.acme.mpc.gateway.core.Json;
import com.acme.mpc.gateway.provider.http.UpstreamStatusException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.MultiMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BedrockMapperTest {

    private static ObjectNode req(String json) {
        return Json.objectOrNull(json);
    }

    @Test
    void conversationWithSystemImagesToolsAndResults() {
        ObjectNode body = req("""
                {"model":"m","max_tokens":256,"temperature":0.2,"top_p":0.9,"stop":"END","top_k":40,
                 "user":"u-1","logit_bias":{"1":1},"seed":7,
                 "messages":[
                  {"role":"system","content":"Be brief."},
                  {"role":"developer","content":[{"type":"text","text":"Answer in French."}]},
                  {"role":"user","content":[{"type":"text","text":"What is in this image, and the weather?"},
                    {"type":"image_url","image_url":{"url":"data:image/jpg;base64,iVBORw0KGgo="}}]},
                  {"role":"assistant","content":"","tool_calls":[
                    {"id":"tooluse_1","type":"function","function":{"name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}"}},
                    {"id":"tooluse_2","type":"function","function":{"name":"get_time","arguments":""}}]},
                  {"role":"tool","tool_call_id":"tooluse_1","content":"18C"},
                  {"role":"tool","tool_call_id":"tooluse_2","content":[{"type":"text","text":"14:00"}]}],
                 "tools":[{"type":"function","function":{"name":"get_weather","description":"Weather",
                   "parameters":{"type":"object","properties":{"city":{"type":"string"}}}}},
                   {"type":"function","function":{"name":"get_time"}}],
                 "tool_choice":{"type":"function","function":{"name":"get_weather"}}}""");
        ObjectNode expected = req("""
                {"messages":[
                  {"role":"user","content":[{"text":"What is in this image, and the weather?"},
                    {"image":{"format":"jpeg","source":{"bytes":"iVBORw0KGgo="}}}]},
                  {"role":"assistant","content":[
                    {"toolUse":{"toolUseId":"tooluse_1","name":"get_weather","input":{"city":"Paris"}}},
                    {"toolUse":{"toolUseId":"tooluse_2","name":"get_time","input":{}}}]},
                  {"role":"user","content":[
                    {"toolResult":{"toolUseId":"tooluse_1","content":[{"text":"18C"}]}},
                    {"toolResult":{"toolUseId":"tooluse_2","content":[{"text":"14:00"}]}}]}],
                 "system":[{"text":"Be brief."},{"text":"Answer in French."}],
                 "inferenceConfig":{"maxTokens":256,"temperature":0.2,"topP":0.9,"stopSequences":["END"]},
                 "toolConfig":{"tools":[
                   {"toolSpec":{"name":"get_weather","description":"Weather",
                     "inputSchema":{"json":{"type":"object","properties":{"city":{"type":"string"}}}}}},
                   {"toolSpec":{"name":"get_time","inputSchema":{"json":{"type":"object","properties":{}}}}}],
                   "toolChoice":{"tool":{"name":"get_weather"}}},
                 "additionalModelRequestFields":{"top_k":40}}""");
        assertEquals(expected, BedrockMapper.toConverseRequest(body));
    }

    @Test
    void cacheControlBecomesCachePointsAndGuardrailConfigPassesThrough() {
        ObjectNode out = BedrockMapper.toConverseRequest(req("""
                {"messages":[
                  {"role":"system","content":[{"type":"text","text":"Long policy.","cache_control":{"type":"ephemeral"}}]},
                  {"role":"user","content":"Question","cache_control":{"type":"ephemeral"}}],
                 "tools":[{"type":"function","function":{"name":"f"},"cache_control":{"type":"ephemeral"}}],
                 "guardrailConfig":{"guardrailIdentifier":"gr-1","guardrailVersion":"1","trace":"enabled"}}"""));
        assertEquals(
                "[{\"text\":\"Long policy.\"},{\"cachePoint\":{\"type\":\"default\"}}]",
                out.path("system").toString());
        assertEquals(
                "[{\"text\":\"Question\"},{\"cachePoint\":{\"type\":\"default\"}}]",
                out.path("messages").get(0).path("content").toString());
        assertEquals(
                "{\"cachePoint\":{\"type\":\"default\"}}",
                out.path("toolConfig").path("tools").get(1).toString());
        assertEquals(
                "gr-1", out.path("guardrailConfig").path("guardrailIdentifier").asText());
        assertEquals(
                "guardrailConfig",
                bad("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"guardrailConfig\":\"x\"}")
                        .param());
    }

    @ParameterizedTest
    @CsvSource({"auto,{\"auto\":{}}", "required,{\"any\":{}}"})
    void toolChoiceStrings(String choice, String expected) {
        ObjectNode out = BedrockMapper.toConverseRequest(req("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}],\"tool_choice\":\"" + choice
                + "\"}"));
        assertEquals(Json.objectOrNull(expected), out.path("toolConfig").path("toolChoice"));
    }

    @Test
    void toolChoiceNoneLeavesToolsOut() {
        ObjectNode out = BedrockMapper.toConverseRequest(req("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}],\"tool_choice\":\"none\"}"));
        assertFalse(out.has("toolConfig"));
    }

    @Test
    void clientMistakesAre400WithTheParam() {
        String msgs = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";
        assertEquals("n", bad("{" + msgs + ",\"n\":2}").param());
        assertEquals("max_tokens", bad("{" + msgs + ",\"max_tokens\":0}").param());
        assertEquals(
                "temperature", bad("{" + msgs + ",\"temperature\":\"hot\"}").param());
        assertEquals("messages", bad("{\"messages\":[]}").param());
        assertEquals(
                "messages[0].content[0].image_url",
                bad("{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\","
                                + "\"image_url\":{\"url\":\"https://example.com/cat.png\"}}]}]}")
                        .param());
        assertEquals(
                "messages[0].content[0].image_url",
                bad("{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\","
                                + "\"image_url\":{\"url\":\"data:image/tiff;base64,AAAA\"}}]}]}")
                        .param());
        assertEquals(
                "tool_choice",
                bad("{" + msgs + ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}],"
                                + "\"tool_choice\":\"sometimes\"}")
                        .param());
    }

    @Test
    void base64FilePartsBecomeDocumentBlocks() {
        ObjectNode out = BedrockMapper.toConverseRequest(req("""
                {"messages":[{"role":"user","content":[
                  {"type":"text","text":"Summarise both."},
                  {"type":"file","file":{"filename":"Q3 report (final).pdf","file_data":"data:application/pdf;base64,JVBERi0xLjQK"}},
                  {"type":"file","file":{"file_data":"data:text/csv;base64,YSxiCjEsMgo="}}]}]}"""));
        assertEquals(req("""
                {"messages":[{"role":"user","content":[{"text":"Summarise both."},
                  {"document":{"format":"pdf","name":"Q3 report (final)","source":{"bytes":"JVBERi0xLjQK"}}},
                  {"document":{"format":"csv","name":"document messages[0] content[2]",
                    "source":{"bytes":"YSxiCjEsMgo="}}}]}]}"""), out);
        // characters Converse refuses in a name become hyphens
        assertEquals(
                "inv-2024 12",
                BedrockDocuments.name(
                        Json.objectOrNull("{\"f\":\"inv_2024  12.pdf\"}").get("f"), "p"));
    }

    @Test
    void filePartsBedrockCannotTakeAre400() {
        String part = "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"file\",\"file\":%s}]}]}";
        assertEquals(
                "messages[0].content[0].file",
                bad(part.formatted("{\"file_id\":\"file-abc\"}")).param());
        assertTrue(
                bad(part.formatted("{\"file_id\":\"file-abc\"}")).getMessage().contains("file_id"));
        assertEquals(
                "messages[0].content[0].file.file_data",
                bad(part.formatted("{\"file_data\":\"https://example.com/a.pdf\"}"))
                        .param());
        assertEquals(
                "messages[0].content[0].file.file_data",
                bad(part.formatted("{\"file_data\":\"data:application/zip;base64,UEsDBA==\"}"))
                        .param());
        assertEquals("messages[0].content[0].file", bad(part.formatted("\"x\"")).param());
    }

    private static GatewayException bad(String json) {
        GatewayException e = assertThrows(GatewayException.class, () -> BedrockMapper.toConverseRequest(req(json)));
        assertEquals(400, e.status());
        return e;
    }

    @Test
    void textAnswer() {
        ObjectNode out = BedrockMapper.toOpenAiResponse(
                BedrockFixtures.json("converse-text.json"), "chatcmpl-1", CREATED, "m", SECRET);
        assertEquals(
                Json.objectOrNull("""
                        {"id":"chatcmpl-1","object":"chat.completion","created":1765000000,"model":"m",
                         "choices":[{"index":0,"message":{"role":"assistant","content":"Hello! How can I help you today?"},
                           "logprobs":null,"finish_reason":"stop"}],
                         "usage":{"prompt_tokens":12,"completion_tokens":10,"total_tokens":22}}""").toString(),
                out.toString()); // Jackson's int and long nodes are not equal, their JSON is
    }

    @Test
    void toolUseAnswerWithCacheReads() {
        ObjectNode out = BedrockMapper.toOpenAiResponse(
                BedrockFixtures.json("converse-tool-use.json"), "chatcmpl-1", CREATED, "m", SECRET);
        JsonNode choice = out.path("choices").get(0);
        assertEquals("tool_calls", choice.path("finish_reason").asText());
        assertEquals(
                "I'll check the weather in Paris.",
                choice.path("message").path("content").asText());
        JsonNode call = choice.path("message").path("tool_calls").get(0);
        assertEquals("tooluse_kZJMlvQmRJ6eAyJE5GIl7Q", call.path("id").asText());
        assertEquals(
                "{\"location\":\"Paris, France\",\"unit\":\"celsius\"}",
                call.path("function").path("arguments").asText());
        // prompt tokens include the 256 cache reads, as OpenAI counts them
        assertEquals(658, out.path("usage").path("prompt_tokens").asLong());
        assertEquals(
                256,
                out.path("usage")
                        .path("prompt_tokens_details")
                        .path("cached_tokens")
                        .asLong());
    }

    @ParameterizedTest
    @CsvSource({
        "end_turn,stop",
        "stop_sequence,stop",
        "tool_use,tool_calls",
        "max_tokens,length",
        "guardrail_intervened,content_filter",
        "content_filtered,content_filter"
    })
    void stopReasons(String bedrock, String openai) {
        assertEquals(openai, BedrockMapper.finishReason(bedrock));
    }

    @Test
    void guardrailAnswerIsContentFilter() {
        ObjectNode out = BedrockMapper.toOpenAiResponse(
                BedrockFixtures.json("converse-guardrail.json"), "chatcmpl-1", CREATED, "m", SECRET);
        assertEquals(
                "content_filter",
                out.path("choices").get(0).path("finish_reason").asText());
    }

    @ParameterizedTest
    @CsvSource({
        "ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/,429,error-throttling.json,429,true,rate_limit_exceeded",
        "ModelNotReadyException,429,error-model-not-ready.json,429,true,model_not_ready",
        "ModelNotReadyException,503,error-model-not-ready.json,503,true,model_not_ready",
        "ServiceUnavailableException,503,error-throttling.json,503,true,overloaded",
        "ValidationException,400,error-validation.json,400,false,context_length_exceeded",
        "AccessDeniedException,403,error-access-denied.json,403,false,",
        "ResourceNotFoundException,404,error-not-found.json,404,false,model_not_found"
    })
    void errorsByExceptionName(String type, int status, String fixture, int expected, boolean retriable, String code) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap()
                .add("x-amzn-ErrorType", type)
                .add("x-amzn-RequestId", "b7e5d3a1-0000-4c3e-9d55-1f0f0a0b0c0d");
        GatewayException e = BedrockErrors.fromStatus(
                new UpstreamStatusException(status, headers, BedrockFixtures.text(fixture)), SECRET);
        assertEquals(expected, e.status());
        assertEquals(retriable, e.retriable());
        assertEquals(code, e.code());
        assertTrue(e.getMessage().startsWith("bedrock: " + type.split(":")[0] + ": "), e.getMessage());
    }

    @Test
    void errorMessagesNeverCarryTheSecret() {
        GatewayException e = BedrockErrors.fromStatus(
                new UpstreamStatusException(
                        403,
                        MultiMap.caseInsensitiveMultiMap().add("x-amzn-ErrorType", "AccessDeniedException"),
                        "{\"message\":\"key " + SECRET + " is not allowed\"}"),
                SECRET);
        assertFalse(e.getMessage().contains(SECRET), e.getMessage());
    }
}
