package com.acme.mpc.gateway.surface.responses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.acme.mpc.gateway.core.GatewayException;
import com.acme.mpc.gateway.core.Json;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

/** A Responses request as chat: items, instructions, tools, formats, and what chat cannot express refused with 400. */
class ResponsesToChatTest {
    private static ObjectNode chat(String body) {
        ObjectNode b = Json.objectOrNull(body);
        ResponsesValidator.validate(b, 100);
        return ResponsesToChat.convert(b, ResponsesToChat.inputItems(b));
    }

    @Test
    void itemsBecomeChatMessages() {
        ObjectNode c = chat("""
                {"model":"m","instructions":"Be brief.","input":[
                  {"role":"developer","content":"Use metric units."},
                  {"type":"message","role":"user","content":[{"type":"input_text","text":"Look:"},
                    {"type":"input_image","image_url":"data:image/png;base64,AAAA","detail":"low"}]},
                  {"type":"message","role":"assistant","content":[{"type":"output_text","text":"Calling."}]},
                  {"type":"function_call","call_id":"call_1","name":"f","arguments":"{\\"a\\":1}"},
                  {"type":"function_call","call_id":"call_2","name":"g","arguments":"{}"},
                  {"type":"function_call_output","call_id":"call_1","output":"one"},
                  {"type":"function_call_output","call_id":"call_2","output":[{"type":"input_text","text":"two"}]},
                  {"type":"reasoning","id":"rs_1","summary":[]}
                ],"max_output_tokens":50,"temperature":0.5,"top_p":0.9,
                "text":{"format":{"type":"json_schema","name":"out","schema":{"type":"object"},"strict":true}},
                "reasoning":{"effort":"low"},"tools":[{"type":"function","name":"f","parameters":{"type":"object"}}],
                "tool_choice":{"type":"function","name":"f"}}""");
        ArrayNode m = (ArrayNode) c.get("messages");
        assertThat(m.get(0).toString()).isEqualTo("{\"role\":\"system\",\"content\":\"Be brief.\"}");
        assertThat(m.get(1).toString()).isEqualTo("{\"role\":\"system\",\"content\":\"Use metric units.\"}");
        assertThat(m.get(2).at("/content/1/image_url/url").asText()).startsWith("data:image/png");
        assertThat(m.get(2).at("/content/1/image_url/detail").asText()).isEqualTo("low");
        // the assistant text and both calls are one assistant message
        assertThat(m.get(3).path("content").asText()).isEqualTo("Calling.");
        assertThat(m.get(3).path("tool_calls")).hasSize(2);
        assertThat(m.get(3).at("/tool_calls/1/function/name").asText()).isEqualTo("g");
        assertThat(m.get(4).path("tool_call_id").asText()).isEqualTo("call_1");
        assertThat(m.get(5).path("content").asText()).isEqualTo("two");
        assertThat(m).hasSize(6);
        assertThat(c.path("max_tokens").asInt()).isEqualTo(50);
        assertThat(c.path("top_p").asDouble()).isEqualTo(0.9);
        assertThat(c.at("/response_format/json_schema/name").asText()).isEqualTo("out");
        assertThat(c.at("/response_format/json_schema/strict").asBoolean()).isTrue();
        assertThat(c.path("reasoning_effort").asText()).isEqualTo("low");
        assertThat(c.at("/tools/0/function/name").asText()).isEqualTo("f");
        assertThat(c.at("/tool_choice/function/name").asText()).isEqualTo("f");
    }

    @Test
    void aStringInputIsOneUserMessageWithAnId() {
        ObjectNode b = Json.objectOrNull("{\"model\":\"m\",\"input\":\"Hi\"}");
        ArrayNode items = ResponsesToChat.inputItems(b);
        assertThat(items).hasSize(1);
        assertThat(items.get(0).path("id").asText()).startsWith("msg_");
        assertThat(items.get(0).at("/content/0/text").asText()).isEqualTo("Hi");
        assertThat(ResponsesToChat.convert(b, items).get("messages").toString())
                .isEqualTo("[{\"role\":\"user\",\"content\":\"Hi\"}]");
    }

    @Test
    void whatChatCannotExpressIsA400NamingIt() {
        assertThatThrownBy(() -> chat("{\"model\":\"m\",\"input\":\"x\",\"tools\":[{\"type\":\"web_search\"}]}"))
                .isInstanceOf(GatewayException.class)
                .hasMessageContaining("web_search")
                .extracting(e -> ((GatewayException) e).status())
                .isEqualTo(400);
        assertThatThrownBy(() -> chat("{\"model\":\"m\",\"input\":[{\"type\":\"item_reference\",\"id\":\"x\"}]}"))
                .hasMessageContaining("item_reference");
        assertThatThrownBy(() -> chat("""
                {"model":"m","input":[{"role":"user","content":[{"type":"input_image","file_id":"file-1"}]}]}""")).hasMessageContaining("file_id");
        assertThatThrownBy(() -> chat("{\"model\":\"m\",\"input\":[{\"role\":\"tool\",\"content\":\"x\"}]}"))
                .hasMessageContaining("role");
        assertThatThrownBy(() -> chat("{\"model\":\"m\"}")).hasMessageContaining("input is required");
    }

    @Test
    void malformedBodiesAre400BeforeAnyTranslation() {
        String[] bad = {
            "{\"input\":\"x\"}",
            "{\"model\":\"m\",\"input\":5}",
            "{\"model\":\"m\",\"input\":[1]}",
            "{\"model\":\"m\",\"input\":[{\"type\":7}]}",
            "{\"model\":\"m\",\"input\":[{\"role\":\"user\"}]}",
            "{\"model\":\"m\",\"input\":[{\"role\":\"user\",\"content\":[\"x\"]}]}",
            "{\"model\":\"m\",\"input\":[{\"type\":\"function_call\",\"name\":\"f\"}]}",
            "{\"model\":\"m\",\"input\":[{\"type\":\"function_call_output\",\"call_id\":\"c\",\"output\":{}}]}",
            "{\"model\":\"m\",\"input\":\"x\",\"previous_response_id\":\"../../etc\"}",
            "{\"model\":\"m\",\"input\":\"x\",\"previous_response_id\":5}",
            "{\"model\":\"m\",\"input\":\"x\",\"max_output_tokens\":0}",
            "{\"model\":\"m\",\"input\":\"x\",\"max_output_tokens\":1.5}",
            "{\"model\":\"m\",\"input\":\"x\",\"temperature\":3}",
            "{\"model\":\"m\",\"input\":\"x\",\"store\":\"yes\"}",
            "{\"model\":\"m\",\"input\":\"x\",\"tools\":{}}",
            "{\"model\":\"m\",\"input\":\"x\",\"tools\":[{\"type\":\"function\"}]}",
            "{\"model\":\"m\",\"input\":\"x\",\"tool_choice\":5}",
            "{\"model\":\"m\",\"input\":\"x\",\"text\":\"json\"}",
            "{\"model\":\"m\",\"input\":\"x\",\"instructions\":{}}",
        };
        for (String b : bad) {
            assertThatThrownBy(() -> ResponsesValidator.validate(Json.objectOrNull(b), 100))
                    .as(b)
                    .isInstanceOf(GatewayException.class)
                    .extracting(e -> ((GatewayException) e).status())
                    .isEqualTo(400);
        }
        ObjectNode many = Json.objectOrNull("{\"model\":\"m\"}");
        ArrayNode items = many.putArray("input");
        for (int i = 0; i < 101; i++) {
            items.addObject().put("role", "user").put("content", "x");
        }
        assertThatThrownBy(() -> ResponsesValidator.validate(many, 100)).hasMessageContaining("at most 100");
    }
}
