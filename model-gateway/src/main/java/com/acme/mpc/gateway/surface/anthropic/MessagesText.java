package com.acme.mpc.gateway.surface.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The text a Messages request puts before the model: system, every text-bearing block, tool definitions. */
final class MessagesText {
    private MessagesText() {}

    static String of(ObjectNode body) {
        StringBuilder sb = new StringBuilder();
        text(body.get("system"), sb);
        for (JsonNode m : body.path("messages")) {
            text(m.get("content"), sb);
        }
        JsonNode tools = body.get("tools");
        if (tools != null && tools.isArray()) {
            sb.append(tools);
        }
        return sb.toString();
    }

    private static void text(JsonNode content, StringBuilder sb) {
        if (content == null || content.isNull()) {
            return;
        }
        if (content.isTextual()) {
            sb.append(content.asText()).append(' ');
            return;
        }
        for (JsonNode b : content) {
            switch (b.path("type").asText()) {
                case "text" -> sb.append(b.path("text").asText()).append(' ');
                case "thinking" -> sb.append(b.path("thinking").asText()).append(' ');
                case "tool_use" ->
                    sb.append(b.path("name").asText()).append(b.path("input")).append(' ');
                case "tool_result" -> text(b.get("content"), sb);
                case "document" ->
                    sb.append(b.path("source").path("data").asText()).append(' ');
                default -> {}
            }
        }
    }
}
