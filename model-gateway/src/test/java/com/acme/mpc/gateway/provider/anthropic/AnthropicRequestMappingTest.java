package com.acme.mpc.gateway.provider.anthropic;

import static com.acme.mpc.gateway.provider.anthropic.AnthropicFixtures.deployment;
import static com.acme.mpc.gateway.provider.anthropic.AnthropicFixtures.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.acme.mpc.gateway.config.Deployment;
import com.acme.mpc.gateway.core.GatewayException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AnthropicRequestMappingTest {
    private static final Deployment D = deployment(URI.create("http://127.0.0.1:1"));

    private static ObjectNode map(String body) {
        return AnthropicMapper.toAnthropicRequest(json(body), D, false);
    }

    @Test
    void systemMessageBecomesTopLevelSystemAndMaxTokensDefaultsTo4096() {
        ObjectNode out = map("""
                {"model":"claude-sonnet-4-5-20250929","messages":[
                  {"role":"system","content":"You are terse."},
                  {"role":"user","content":"Hi"}]}
                """);
        assertEquals(json("""
                        {"model":"claude-sonnet-4-5-20250929","system":"You are terse.","max_tokens":4096,
                         "messages":[{"role":"user","content":[{"type":"text","text":"Hi"}]}]}
                        """), out);
    }

    @Test
    void maxTokensComesFromClientThenDeploymentThenModelInfo() {
        String noMax = """
                {"model":"m","messages":[{"role":"user","content":"Hi"}]}""";
        assertEquals(
                1000,
                AnthropicMapper.toAnthropicRequest(json(noMax), deployment(null, 1000, 64000), false)
                        .path("max_tokens")
                        .asInt());
        assertEquals(
                64000,
                AnthropicMapper.toAnthropicRequest(json(noMax), deployment(null, null, 64000), false)
                        .path("max_tokens")
                        .asInt());
        String clientMax = """
                {"model":"m","max_tokens":50,"messages":[{"role":"user","content":"Hi"}]}""";
        assertEquals(
                50,
                AnthropicMapper.toAnthropicRequest(json(clientMax), deployment(null, 1000, 64000), false)
                        .path("max_tokens")
                        .asInt());
        String newStyle = """
                {"model":"m","max_completion_tokens":70,"messages":[{"role":"user","content":"Hi"}]}""";
        assertEquals(70, map(newStyle).path("max_tokens").asInt());
        GatewayException e = assertThrows(GatewayException.class, () -> map("""
                {"model":"m","max_tokens":0,"messages":[{"role":"user","content":"Hi"}]}"""));
        assertEquals("max_tokens", e.param());
    }

    @Test
    void samplingParamsUserAndStopAreMappedAndOpenAiOnlyParamsDropped() {
        ObjectNode out = map("""
                {"model":"m","messages":[{"role":"user","content":"Hi"}],
                 "temperature":0.2,"top_p":0.9,"top_k":40,"user":"user-42","stop":["END","\\n"," stop "],
                 "frequency_penalty":0.5,"presence_penalty":0.1,"logit_bias":{"50256":-100},"seed":7,"n":1,
                 "logprobs":false,"stream_options":{"include_usage":true},"metadata":{"tags":["a"]},
                 "response_format":{"type":"text"},"service_tier":"flex","drop_params":true,"store":false}
                """);
        assertEquals(json("""
                        {"model":"m","max_tokens":4096,
                         "messages":[{"role":"user","content":[{"type":"text","text":"Hi"}]}],
                         "temperature":0.2,"top_p":0.9,"top_k":40,"metadata":{"user_id":"user-42"},
                         "stop_sequences":["END"," stop "]}
                        """), out);
    }

    @Test
    void stopStringBecomesSingleSequence() {
        ObjectNode out = map("""
                {"model":"m","stop":"###","messages":[{"role":"user","content":"Hi"}]}""");
        assertEquals(json("""
                {"s":["###"]}""").get("s"), out.get("stop_sequences"));
        GatewayException e = assertThrows(GatewayException.class, () -> map("""
                {"model":"m","stop":5,"messages":[{"role":"user","content":"Hi"}]}"""));
        assertEquals("stop", e.param());
    }

    @Test
    void moreThanOneChoiceIsRejected() {
        GatewayException e = assertThrows(GatewayException.class, () -> map("""
                {"model":"m","n":2,"messages":[{"role":"user","content":"Hi"}]}"""));
        assertEquals(400, e.status());
        assertEquals("invalid_request_error", e.type());
        assertEquals("n", e.param());
    }

    @Test
    void legacyFunctionsAreRejectedRatherThanSilentlyDropped() {
        GatewayException e = assertThrows(GatewayException.class, () -> map("""
                {"model":"m","messages":[{"role":"user","content":"Hi"}],
                 "functions":[{"name":"f","parameters":{"type":"object"}}]}
                """));
        assertEquals("functions", e.param());
    }

    @Test
    void toolsAreTranslatedAndParallelToolCallsFalseDisablesParallelUse() {
        ObjectNode out = map("""
                {"model":"m","messages":[{"role":"user","content":"Weather?"}],
                 "tools":[{"type":"function","function":{"name":"get_weather","description":"Current weather",
                   "parameters":{"type":"object","properties":{"location":{"type":"string"}},"required":["location"]}}},
                   {"type":"function","function":{"name":"now"}}],
                 "tool_choice":"required","parallel_tool_calls":false}
                """);
        assertEquals(json("""
                        {"t":[{"name":"get_weather","description":"Current weather",
                          "input_schema":{"type":"object","properties":{"location":{"type":"string"}},"required":["location"]}},
                          {"name":"now","input_schema":{"type":"object","properties":{}}}]}
                        """).get("t"), out.get("tools"));
        assertEquals(json("""
                {"type":"any","disable_parallel_tool_use":true}"""), out.get("tool_choice"));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "\"auto\"|{\"type\":\"auto\"}",
                "\"required\"|{\"type\":\"any\"}",
                "\"none\"|{\"type\":\"none\"}",
                "{\"type\":\"function\",\"function\":{\"name\":\"get_weather\"}}|{\"type\":\"tool\",\"name\":\"get_weather\"}"
            })
    void toolChoiceIsTranslated(String openAi, String anthropic) {
        ObjectNode out = map("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],"
                + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\"}}],\"tool_choice\":"
                + openAi + "}");
        assertEquals(json(anthropic), out.get("tool_choice"));
    }

    @Test
    void toolChoiceWithoutToolsIsDropped() {
        ObjectNode out = map("""
                {"model":"m","tool_choice":"auto","parallel_tool_calls":false,
                 "messages":[{"role":"user","content":"Hi"}]}""");
        assertFalse(out.has("tool_choice"));
        assertFalse(out.has("tools"));
    }

    @Test
    void toolCallTurnsBecomeToolUseAndMergedToolResults() {
        ObjectNode out = map("""
                {"model":"m","messages":[
                  {"role":"user","content":"Weather in SF and Paris?"},
                  {"role":"assistant","content":null,"tool_calls":[
                    {"id":"toolu_1","type":"function","function":{"name":"get_weather","arguments":"{\\"location\\":\\"SF\\"}"}},
                    {"id":"toolu_2","type":"function","function":{"name":"get_weather","arguments":"{\\"location\\":\\"Paris\\"}"}}]},
                  {"role":"tool","tool_call_id":"toolu_1","content":"18C fog"},
                  {"role":"tool","tool_call_id":"toolu_2","content":[{"type":"text","text":"22C sun"}]},
                  {"role":"user","content":"Which is warmer?"},
                  {"role":"user","content":"Answer briefly."}]}
                """);
        assertEquals(json("""
                        {"m":[
                          {"role":"user","content":[{"type":"text","text":"Weather in SF and Paris?"}]},
                          {"role":"assistant","content":[
                            {"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"location":"SF"}},
                            {"type":"tool_use","id":"toolu_2","name":"get_weather","input":{"location":"Paris"}}]},
                          {"role":"user","content":[
                            {"type":"tool_result","tool_use_id":"toolu_1","content":"18C fog"},
                            {"type":"tool_result","tool_use_id":"toolu_2","content":[{"type":"text","text":"22C sun"}]},
                            {"type":"text","text":"Which is warmer?"},
                            {"type":"text","text":"Answer briefly."}]}]}
                        """).get("m"), out.get("messages"));
    }

    @Test
    void invalidToolCallArgumentsAreA400NamingTheParam() {
        GatewayException e = assertThrows(GatewayException.class, () -> map("""
                {"model":"m","messages":[{"role":"user","content":"x"},
                  {"role":"assistant","tool_calls":[{"id":"t1","type":"function",
                    "function":{"name":"f","arguments":"{\\"a\\": 1"}}]}]}
                """));
        assertEquals(400, e.status());
        assertEquals("messages[1].tool_calls[0].function.arguments", e.param());
    }

    @Test
    void toolMessageWithoutIdIsRejected() {
        GatewayException e = assertThrows(GatewayException.class, () -> map("""
                {"model":"m","messages":[{"role":"tool","content":"x"}]}"""));
        assertEquals("messages[0].tool_call_id", e.param());
    }

    @Test
    void imagePartsBecomeBase64OrUrlSources() {
        ObjectNode out = map("""
                {"model":"m","messages":[{"role":"user","content":[
                  {"type":"text","text":"Compare"},
                  {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo=","detail":"high"}},
                  {"type":"image_url","image_url":{"url":"https://example.com/cat.jpg"}}]}]}
                """);
        assertEquals(json("""
                        {"c":[{"type":"text","text":"Compare"},
                          {"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0KGgo="}},
                          {"type":"image","source":{"type":"url","url":"https://example.com/cat.jpg"}}]}
                        """).get("c"), out.path("messages").get(0).get("content"));
        GatewayException e = assertThrows(GatewayException.class, () -> map("""
                {"model":"m","messages":[{"role":"user","content":[
                  {"type":"image_url","image_url":{"url":"ftp://example.com/cat.jpg"}}]}]}
                """));
        assertEquals("messages[0].content[0].image_url", e.param());
    }

    @Test
    void severalSystemMessagesAndCacheControlKeepBlocks() {
        ObjectNode out = map("""
                {"model":"m","messages":[
                  {"role":"system","content":[{"type":"text","text":"Long policy","cache_control":{"type":"ephemeral"}}]},
                  {"role":"developer","content":"Be brief."},
                  {"role":"user","content":"Hi"}]}
                """);
        assertEquals(json("""
                        {"s":[{"type":"text","text":"Long policy","cache_control":{"type":"ephemeral"}},
                              {"type":"text","text":"Be brief."}]}
                        """).get("s"), out.get("system"));
    }

    @Test
    void assistantTextAndEmptyContentAreHandledAndAlternationIsKept() {
        ObjectNode out = map("""
                {"model":"m","messages":[
                  {"role":"user","content":"a"},{"role":"assistant","content":""},
                  {"role":"user","content":"b"},{"role":"assistant","content":"c"}]}
                """);
        // the empty assistant turn carries nothing and would break alternation; the user turns around it merge
        assertEquals(json("""
                        {"m":[{"role":"user","content":[{"type":"text","text":"a"},{"type":"text","text":"b"}]},
                              {"role":"assistant","content":[{"type":"text","text":"c"}]}]}
                        """).get("m"), out.get("messages"));
    }

    @Test
    void cacheControlStaysOnPartsMessagesAndTools() {
        ObjectNode out = map("""
                {"model":"m","messages":[
                  {"role":"user","content":[{"type":"text","text":"big doc","cache_control":{"type":"ephemeral"}},
                                            {"type":"text","text":"question"}]},
                  {"role":"assistant","content":"answer"},
                  {"role":"user","content":"follow-up","cache_control":{"type":"ephemeral","ttl":"1h"}}],
                 "tools":[{"type":"function","function":{"name":"f"},"cache_control":{"type":"ephemeral"}}]}
                """);
        assertEquals(json("""
                        {"m":[{"role":"user","content":[
                                {"type":"text","text":"big doc","cache_control":{"type":"ephemeral"}},
                                {"type":"text","text":"question"}]},
                              {"role":"assistant","content":[{"type":"text","text":"answer"}]},
                              {"role":"user","content":[
                                {"type":"text","text":"follow-up","cache_control":{"type":"ephemeral","ttl":"1h"}}]}]}
                        """).get("m"), out.get("messages"));
        assertEquals(json("{\"type\":\"ephemeral\"}"), out.path("tools").get(0).get("cache_control"));
    }

    @Test
    void thinkingBlocksLeadTheReplayedAssistantTurnAndPdfFilesBecomeDocuments() {
        ObjectNode out = map("""
                {"model":"m","messages":[
                  {"role":"user","content":[{"type":"file","file":{"filename":"a.pdf","file_data":"data:application/pdf;base64,JVBERi0x"}},
                                            {"type":"text","text":"Summarise"}]},
                  {"role":"assistant","content":"Calling.","thinking_blocks":[{"type":"thinking","thinking":"hm","signature":"sig"}],
                   "tool_calls":[{"id":"t1","type":"function","function":{"name":"f","arguments":""}}]},
                  {"role":"tool","tool_call_id":"t1","content":[{"type":"image_url","image_url":{"url":"https://x.test/p.png"}}]}]}
                """);
        assertEquals(json("""
                        {"m":[{"role":"user","content":[
                                {"type":"document","source":{"type":"base64","media_type":"application/pdf","data":"JVBERi0x"}},
                                {"type":"text","text":"Summarise"}]},
                              {"role":"assistant","content":[
                                {"type":"thinking","thinking":"hm","signature":"sig"},
                                {"type":"text","text":"Calling."},
                                {"type":"tool_use","id":"t1","name":"f","input":{}}]},
                              {"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":[
                                {"type":"image","source":{"type":"url","url":"https://x.test/p.png"}}]}]}]}
                        """).get("m"), out.get("messages"));
    }

    @Test
    void unknownRoleAndNonTextSystemAreRejected() {
        assertEquals(
                "messages[0].role",
                assertThrows(GatewayException.class, () -> map("""
                        {"model":"m","messages":[{"role":"function","name":"f","content":"x"}]}""")).param());
        assertEquals(
                "messages", assertThrows(GatewayException.class, () -> map("""
                        {"model":"m","messages":[]}""")).param());
    }

    @Test
    void jsonSchemaResponseFormatForcesTheJsonTool() {
        ObjectNode out = map("""
                {"model":"m","messages":[{"role":"user","content":"Who?"}],
                 "response_format":{"type":"json_schema","json_schema":{"name":"person","strict":true,
                   "schema":{"type":"object","properties":{"name":{"type":"string"}}}}}}
                """);
        assertEquals(json("""
                        {"t":[{"name":"json_tool_call","description":"Respond with a JSON object.",
                               "input_schema":{"type":"object","properties":{"name":{"type":"string"}}}}]}
                        """).get("t"), out.get("tools"));
        assertEquals(json("""
                {"type":"tool","name":"json_tool_call"}"""), out.get("tool_choice"));
    }

    @Test
    void jsonModeWithThinkingOffersTheToolWithoutForcingIt() {
        ObjectNode out = map("""
                {"model":"m","reasoning_effort":"low","response_format":{"type":"json_object"},
                 "messages":[{"role":"user","content":"Who?"}]}
                """);
        assertEquals("json_tool_call", out.path("tools").get(0).path("name").asText());
        assertEquals(json("""
                {"type":"auto"}"""), out.get("tool_choice"));
    }

    @Test
    void responseFormatIsDroppedWhenTheClientBringsTools() {
        ObjectNode out = map("""
                {"model":"m","response_format":{"type":"json_object"},
                 "tools":[{"type":"function","function":{"name":"f"}}],
                 "messages":[{"role":"user","content":"Who?"}]}
                """);
        assertEquals(1, out.path("tools").size());
        assertEquals("f", out.path("tools").get(0).path("name").asText());
        assertFalse(out.has("tool_choice"));
    }

    @Test
    void reasoningEffortEnablesThinkingAndRaisesADefaultedMaxTokens() {
        ObjectNode out = map("""
                {"model":"m","reasoning_effort":"high","messages":[{"role":"user","content":"Hi"}]}""");
        assertEquals(json("""
                {"type":"enabled","budget_tokens":4096}"""), out.get("thinking"));
        assertTrue(out.path("max_tokens").asInt() > 4096);
        ObjectNode explicit = map("""
                {"model":"m","max_tokens":20000,"thinking":{"type":"enabled","budget_tokens":10000},
                 "reasoning_effort":"low","messages":[{"role":"user","content":"Hi"}]}""");
        assertEquals(10000, explicit.path("thinking").path("budget_tokens").asInt());
        assertEquals(20000, explicit.path("max_tokens").asInt());
    }

    @Test
    void streamFlagIsSetOnlyForStreams() {
        String body = """
                {"model":"m","stream":true,"messages":[{"role":"user","content":"Hi"}]}""";
        assertTrue(AnthropicMapper.toAnthropicRequest(json(body), D, true)
                .path("stream")
                .asBoolean());
        assertFalse(AnthropicMapper.toAnthropicRequest(json(body), D, false).has("stream"));
    }

    @Test
    void inputBodyIsNotModified() {
        ObjectNode body = json("""
                {"model":"m","messages":[{"role":"user","content":"a","cache_control":{"type":"ephemeral"}},
                  {"role":"assistant","tool_calls":[{"id":"t","type":"function","function":{"name":"f","arguments":{"x":1}}}]},
                  {"role":"tool","tool_call_id":"t","content":"r"}]}
                """);
        ObjectNode before = body.deepCopy();
        AnthropicMapper.toAnthropicRequest(body, D, true);
        assertEquals(before, body);
    }
}
