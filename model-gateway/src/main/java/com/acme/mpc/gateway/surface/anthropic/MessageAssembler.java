package com.acme.mpc.gateway.surface.anthropic;

import com.acme.mpc.gateway.core.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Rebuilds the message object from the events of a Messages stream (text, tool input JSON, thinking and its
 * signature, citations; blocks of unknown types kept as they started), so a streamed answer can be cached and served
 * again to streaming and non-streaming clients alike.
 */
final class MessageAssembler {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private ObjectNode message;
    private final List<ObjectNode> blocks = new ArrayList<>();
    private final List<StringBuilder> toolJson = new ArrayList<>();

    void reset() {
        message = null;
        blocks.clear();
        toolJson.clear();
    }

    void accept(AnthropicEvent e) {
        ObjectNode data = e.data();
        if (data == null || e.type() == null) {
            return;
        }
        switch (e.type()) {
            case "message_start" -> {
                JsonNode m = data.get("message");
                message = m != null && m.isObject() ? ((ObjectNode) m).deepCopy() : F.objectNode();
            }
            case "content_block_start" -> {
                int index = data.path("index").asInt(blocks.size());
                while (blocks.size() <= index) {
                    blocks.add(null);
                    toolJson.add(null);
                }
                JsonNode b = data.get("content_block");
                blocks.set(index, b != null && b.isObject() ? ((ObjectNode) b).deepCopy() : F.objectNode());
            }
            case "content_block_delta" -> delta(data);
            case "content_block_stop" -> {
                int index = data.path("index").asInt(-1);
                if (index >= 0 && index < blocks.size() && toolJson.get(index) != null && blocks.get(index) != null) {
                    String json = toolJson.get(index).toString();
                    ObjectNode input = json.isBlank() ? F.objectNode() : Json.objectOrNull(json);
                    blocks.get(index).set("input", input == null ? F.objectNode() : input);
                }
            }
            case "message_delta" -> {
                if (message == null) {
                    return;
                }
                data.path("delta").fields().forEachRemaining(f -> message.set(f.getKey(), f.getValue()));
                JsonNode u = data.get("usage");
                if (u != null && u.isObject()) {
                    ObjectNode usage = message.with("usage");
                    u.fields().forEachRemaining(f -> {
                        if (!f.getValue().isNull()) {
                            usage.set(f.getKey(), f.getValue());
                        }
                    });
                }
            }
            default -> {}
        }
    }

    private void delta(ObjectNode data) {
        int index = data.path("index").asInt(-1);
        if (index < 0 || index >= blocks.size() || blocks.get(index) == null) {
            return;
        }
        ObjectNode block = blocks.get(index);
        JsonNode d = data.path("delta");
        switch (d.path("type").asText()) {
            case "text_delta" ->
                block.put("text", block.path("text").asText("") + d.path("text").asText());
            case "thinking_delta" ->
                block.put(
                        "thinking",
                        block.path("thinking").asText("") + d.path("thinking").asText());
            case "signature_delta" -> block.put("signature", d.path("signature").asText());
            case "citations_delta" -> block.withArray("citations").add(d.path("citation"));
            case "input_json_delta" -> {
                if (toolJson.get(index) == null) {
                    toolJson.set(index, new StringBuilder());
                }
                toolJson.get(index).append(d.path("partial_json").asText());
            }
            default -> {}
        }
    }

    /** The whole message, or null when the stream never started or did not stop. */
    ObjectNode build() {
        if (message == null || !message.hasNonNull("stop_reason")) {
            return null;
        }
        ObjectNode out = message.deepCopy();
        ArrayNode content = out.putArray("content");
        for (ObjectNode b : blocks) {
            if (b != null) {
                content.add(b);
            }
        }
        return out;
    }
}
