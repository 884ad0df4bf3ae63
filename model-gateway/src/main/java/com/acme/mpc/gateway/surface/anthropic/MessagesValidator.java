package com.acme.mpc.gateway.surface.anthropic;

import com.acme.mpc.gateway.core.GatewayException;
import com.acme.mpc.gateway.surface.ParameterRanges;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Rejects malformed Messages requests with a 400 naming the field, before any provider is called, as Anthropic
 * would. Only the structure the gateway relies on is checked; unknown fields and block types pass (a pass-through
 * deployment may understand them).
 */
final class MessagesValidator {
    private MessagesValidator() {}

    static void validate(ObjectNode body, boolean countTokens) {
        JsonNode model = body.get("model");
        if (model == null || model.isNull()) {
            throw bad("model: Field required", "model");
        }
        if (!model.isTextual() || model.asText().isBlank()) {
            throw bad("model: must be a non-empty string", "model");
        }
        if (!countTokens) {
            JsonNode max = body.get("max_tokens");
            if (max == null || max.isNull()) {
                throw bad("max_tokens: Field required", "max_tokens");
            }
        }
        messages(body.get("messages"));
        JsonNode system = body.get("system");
        if (system != null && !system.isNull() && !system.isTextual()) {
            blocks(system, "system");
        }
        optional(body, "stream", JsonNode::isBoolean, "a boolean");
        optional(body, "temperature", JsonNode::isNumber, "a number");
        optional(body, "top_p", JsonNode::isNumber, "a number");
        optional(body, "top_k", JsonNode::isIntegralNumber, "an integer");
        ParameterRanges.anthropic(body, countTokens);
        optional(body, "metadata", JsonNode::isObject, "an object");
        optional(body, "thinking", JsonNode::isObject, "an object");
        optional(body, "tool_choice", JsonNode::isObject, "an object");
        JsonNode tools = body.get("tools");
        if (tools != null && !tools.isNull()) {
            if (!tools.isArray()) {
                throw bad("tools: must be an array", "tools");
            }
            for (int i = 0; i < tools.size(); i++) {
                JsonNode t = tools.get(i);
                if (!t.isObject() || !t.path("name").isTextual()) {
                    throw bad("tools." + i + ".name: Field required", "tools");
                }
            }
        }
        JsonNode stop = body.get("stop_sequences");
        if (stop != null && !stop.isNull()) {
            if (!stop.isArray()) {
                throw bad("stop_sequences: must be an array of strings", "stop_sequences");
            }
            stop.forEach(s -> {
                if (!s.isTextual()) {
                    throw bad("stop_sequences: must be an array of strings", "stop_sequences");
                }
            });
        }
        JsonNode choice = body.get("tool_choice");
        if (choice != null && choice.isObject()) {
            String type = choice.path("type").asText("");
            switch (type) {
                case "auto", "any", "none" -> {}
                case "tool" -> {
                    if (!choice.path("name").isTextual()) {
                        throw bad("tool_choice.name: Field required", "tool_choice");
                    }
                }
                default -> throw bad("tool_choice.type: must be one of auto, any, tool, none", "tool_choice");
            }
        }
    }

    private static void messages(JsonNode messages) {
        if (messages == null || messages.isNull()) {
            throw bad("messages: Field required", "messages");
        }
        if (!messages.isArray()) {
            throw bad("messages: must be an array", "messages");
        }
        for (int i = 0; i < messages.size(); i++) {
            JsonNode m = messages.get(i);
            String p = "messages." + i;
            if (!m.isObject()) {
                throw bad(p + ": must be an object", p);
            }
            String role = m.path("role").asText("");
            if (!role.equals("user") && !role.equals("assistant")) {
                throw bad(p + ".role: must be 'user' or 'assistant'", p + ".role");
            }
            JsonNode content = m.get("content");
            if (content == null || content.isNull()) {
                throw bad(p + ".content: Field required", p + ".content");
            }
            if (!content.isTextual()) {
                blocks(content, p + ".content");
            }
        }
    }

    private static void blocks(JsonNode blocks, String p) {
        if (!blocks.isArray()) {
            throw bad(p + ": must be a string or an array of content blocks", p);
        }
        for (int i = 0; i < blocks.size(); i++) {
            JsonNode b = blocks.get(i);
            if (!b.isObject() || !b.path("type").isTextual()) {
                throw bad(p + "." + i + ".type: Field required", p);
            }
        }
    }

    private static void optional(
            ObjectNode body, String field, java.util.function.Predicate<JsonNode> ok, String what) {
        JsonNode v = body.get(field);
        if (v != null && !v.isNull() && !ok.test(v)) {
            throw bad(field + ": must be " + what, field);
        }
    }

    private static GatewayException bad(String message, String param) {
        return GatewayException.badRequest(message, param);
    }
}
