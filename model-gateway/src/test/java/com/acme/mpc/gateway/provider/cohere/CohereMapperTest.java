package com.acme.mpc.gateway.provider.cohere;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.acme.mpc.gateway.core.GatewayException;
import com.acme.mpc.gateway.core.Json;
import com.acme.mpc.gateway.provider.http.UpstreamStatusException;
import com.acme.mpc.gateway.testsupport.FakeUpstream;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.MultiMap;
import org.junit.jupiter.api.Test;

class CohereMapperTest {

    @Test
    void requestIsRenamedAndAllowListed() {
        ObjectNode body = Json.objectOrNull("""
                {"model":"x","max_tokens":50,"top_p":0.9,"top_k":40,"stop":"END","user":"u","logit_bias":{},
                 "messages":[{"role":"developer","content":"Be brief."},{"role":"user","content":"Weather?"},
                  {"role":"assistant","content":"","tool_calls":[{"id":"c1","type":"function",
                    "function":{"name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}"}}]},
                  {"role":"tool","tool_call_id":"c1","content":"18C"}],
                 "tools":[{"type":"function","function":{"name":"get_weather","strict":true,
                   "parameters":{"type":"object"}}}],"tool_choice":"required"}""");
        assertEquals(
                Json.objectOrNull("""
                        {"model":"command-r","messages":[{"role":"system","content":"Be brief."},
                          {"role":"user","content":"Weather?"},
                          {"role":"assistant","tool_calls":[{"id":"c1","type":"function",
                            "function":{"name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}"}}]},
                          {"role":"tool","tool_call_id":"c1","content":"18C"}],
                         "tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object"}}}],
                         "tool_choice":"REQUIRED","max_tokens":50,"p":0.9,"k":40,"stop_sequences":["END"]}""").toString(),
                CohereMapper.toCohereRequest(body, "command-r", false).toString());
    }

    @Test
    void namedToolChoiceIsRefused() {
        ObjectNode body = Json.objectOrNull("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}],"
                + "\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"f\"}}}");
        GatewayException e = assertThrows(GatewayException.class, () -> CohereMapper.toCohereRequest(body, "m", false));
        assertEquals("tool_choice", e.param());
    }

    @Test
    void toolCallAnswerWithBilledUsage() {
        ObjectNode out = CohereMapper.toOpenAiResponse(
                Json.objectOrNull(FakeUpstream.read("fixtures/cohere/chat-tool-call.json")), 1L, "m", "k");
        assertEquals(
                "tool_calls", out.path("choices").get(0).path("finish_reason").asText());
        assertEquals(
                "{\"location\":\"Paris, France\"}",
                out.path("choices")
                        .get(0)
                        .path("message")
                        .path("tool_calls")
                        .get(0)
                        .path("function")
                        .path("arguments")
                        .asText());
        assertEquals(37, out.path("usage").path("prompt_tokens").asInt());
    }

    @Test
    void trialKeyLimitIsRetriable429() {
        GatewayException e = CohereErrors.fromStatus(
                new UpstreamStatusException(
                        429, MultiMap.caseInsensitiveMultiMap(), FakeUpstream.read("fixtures/cohere/error-429.json")),
                "co-key");
        assertEquals(429, e.status());
        assertEquals(true, e.retriable());
        assertEquals("rate_limit_error", e.type());
    }
}
