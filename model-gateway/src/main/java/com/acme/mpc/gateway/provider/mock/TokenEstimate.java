package com.acme.mpc.gateway.provider.mock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Rough BPE token counts (about four characters a token) for when no provider count exists. */
public final class TokenEstimate {
    private TokenEstimate() {}

    public static long ofChars(long chars) {
        return chars <= 0 ? 0 : Math.max(1, (chars + 3) / 4);
    }

    public static long of(String text) {
        return text == null ? 0 : ofChars(text.length());
    }

    /** All text the client sent: message contents (string or text parts) or the completion prompt. */
    public static String promptText(ObjectNode body) {
        StringBuilder sb = new StringBuilder();
        JsonNode messages = body.get("messages");
        if (messages != null && messages.isArray()) {
            for (JsonNode m : messages) {
                JsonNode content = m.get("content");
                if (content == null) {
                    continue;
                }
                if (content.isTextual()) {
                    sb.append(content.asText()).append(' ');
                } else if (content.isArray()) {
                    content.forEach(
                            part -> sb.append(part.path("text").asText()).append(' '));
                }
            }
        }
        JsonNode prompt = body.get("prompt");
        if (prompt != null) {
            sb.append(prompt.isTextual() ? prompt.asText() : prompt.toString());
        }
        return sb.toString();
    }
}
