package com.acme.mpc.gateway.surface.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/** A whole message object as Anthropic's stream events (for cached answers asked for as a stream). Pure. */
final class MessageReplay {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private MessageReplay() {}

    static List<AnthropicEvent> events(ObjectNode message) {
        List<AnthropicEvent> out = new ArrayList<>();
        ObjectNode start = message.deepCopy();
        start.putArray("content");
        start.putNull("stop_reason");
        start.putNull("stop_sequence");
        ObjectNode startUsage = start.with("usage");
        startUsage.put("output_tokens", 0);
        ObjectNode ms = F.objectNode().put("type", "message_start");
        ms.set("message", start);
        out.add(AnthropicEvent.of(ms));
        int index = 0;
        for (JsonNode block : message.path("content")) {
            blockEvents(index++, block, out);
        }
        ObjectNode md = F.objectNode().put("type", "message_delta");
        md.putObject("delta").set("stop_reason", message.path("stop_reason").deepCopy());
        ((ObjectNode) md.get("delta"))
                .set("stop_sequence", message.path("stop_sequence").deepCopy());
        md.set("usage", message.path("usage").deepCopy());
        out.add(AnthropicEvent.of(md));
        out.add(AnthropicEvent.of(F.objectNode().put("type", "message_stop")));
        return out;
    }

    private static void blockEvents(int index, JsonNode block, List<AnthropicEvent> out) {
        ObjectNode first = ((ObjectNode) block).deepCopy();
        ObjectNode delta = null;
        ObjectNode signature = null;
        switch (block.path("type").asText()) {
            case "text" -> {
                first.put("text", "");
                first.remove("citations");
                delta = F.objectNode()
                        .put("type", "text_delta")
                        .put("text", block.path("text").asText());
            }
            case "thinking" -> {
                first.put("thinking", "");
                first.put("signature", "");
                delta = F.objectNode()
                        .put("type", "thinking_delta")
                        .put("thinking", block.path("thinking").asText());
                if (!block.path("signature").asText("").isEmpty()) {
                    signature = F.objectNode()
                            .put("type", "signature_delta")
                            .put("signature", block.path("signature").asText());
                }
            }
            case "tool_use", "server_tool_use" -> {
                first.putObject("input");
                delta = F.objectNode()
                        .put("type", "input_json_delta")
                        .put("partial_json", block.path("input").toString());
            }
            default -> {
                // other blocks (redacted thinking, server tool results...) arrive whole in their start event
            }
        }
        ObjectNode cbs = F.objectNode().put("type", "content_block_start").put("index", index);
        cbs.set("content_block", first);
        out.add(AnthropicEvent.of(cbs));
        for (ObjectNode d : new ObjectNode[] {delta, signature}) {
            if (d != null) {
                ObjectNode cbd =
                        F.objectNode().put("type", "content_block_delta").put("index", index);
                cbd.set("delta", d);
                out.add(AnthropicEvent.of(cbd));
            }
        }
        if (block.has("citations") && "text".equals(block.path("type").asText())) {
            for (JsonNode c : block.path("citations")) {
                ObjectNode cbd =
                        F.objectNode().put("type", "content_block_delta").put("index", index);
                cbd.putObject("delta").put("type", "citations_delta").set("citation", c);
                out.add(AnthropicEvent.of(cbd));
            }
        }
        out.add(AnthropicEvent.of(
                F.objectNode().put("type", "content_block_stop").put("index", index)));
    }
}
