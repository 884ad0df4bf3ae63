package com.acme.mpc.gateway.surface.responses;

import com.acme.mpc.gateway.core.GatewayException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.regex.Pattern;

/**
 * Checks a {@code POST /v1/responses} body before admission spends anything: the types of the fields the gateway reads
 * or translates, each error a 400 naming the field. Fields only a passed-through provider understands (hosted tools,
 * include, truncation...) are left to it; translation refuses what chat cannot express ({@link ResponsesToChat}).
 */
final class ResponsesValidator {
    /** Response ids are the gateway's {@code resp_<hex>} or an upstream's; anything else cannot name one. */
    static final Pattern ID = Pattern.compile("[A-Za-z0-9_\\-]{1,200}");

    private ResponsesValidator() {}

    static void validate(ObjectNode body, int maxInputItems) {
        JsonNode model = body.get("model");
        if (model == null || !model.isTextual() || model.asText().isBlank()) {
            throw GatewayException.badRequest("model is required and must be a string", "model");
        }
        JsonNode input = body.get("input");
        if (input != null && !input.isNull()) {
            if (input.isArray()) {
                if (input.size() > maxInputItems) {
                    throw GatewayException.badRequest(
                            "input has " + input.size() + " items; at most " + maxInputItems + " are accepted",
                            "input");
                }
                for (int i = 0; i < input.size(); i++) {
                    item(input.get(i), "input[" + i + "]");
                }
            } else if (!input.isTextual()) {
                throw GatewayException.badRequest("input must be a string or an array of items", "input");
            }
        }
        text(body, "instructions");
        text(body, "user");
        bool(body, "stream");
        bool(body, "store");
        bool(body, "background");
        bool(body, "parallel_tool_calls");
        JsonNode prev = body.get("previous_response_id");
        if (prev != null
                && !prev.isNull()
                && (!prev.isTextual() || !ID.matcher(prev.asText()).matches())) {
            throw GatewayException.badRequest(
                    "previous_response_id must be a response id (letters, digits, '_' and '-')",
                    "previous_response_id");
        }
        number(body, "temperature", 0, 2);
        number(body, "top_p", 0, 1);
        JsonNode max = body.get("max_output_tokens");
        if (max != null && !max.isNull() && (!max.canConvertToInt() || !max.isIntegralNumber() || max.asInt() < 1)) {
            throw GatewayException.badRequest("max_output_tokens must be a positive integer", "max_output_tokens");
        }
        object(body, "text");
        object(body, "reasoning");
        object(body, "metadata");
        JsonNode tools = body.get("tools");
        if (tools != null && !tools.isNull()) {
            if (!tools.isArray()) {
                throw GatewayException.badRequest("tools must be an array", "tools");
            }
            for (int i = 0; i < tools.size(); i++) {
                JsonNode t = tools.get(i);
                if (!t.isObject() || !t.path("type").isTextual()) {
                    throw GatewayException.badRequest("tools[" + i + "] must be an object with a type", "tools");
                }
                if ("function".equals(t.path("type").asText())
                        && (!t.path("name").isTextual()
                                || t.path("name").asText().isEmpty())) {
                    throw GatewayException.badRequest("tools[" + i + "].name is required", "tools");
                }
            }
        }
        JsonNode choice = body.get("tool_choice");
        if (choice != null && !choice.isNull() && !choice.isTextual() && !choice.isObject()) {
            throw GatewayException.badRequest("tool_choice must be a string or an object", "tool_choice");
        }
    }

    private static void item(JsonNode item, String where) {
        if (!item.isObject()) {
            throw GatewayException.badRequest(where + " must be an object", "input");
        }
        JsonNode type = item.get("type");
        if (type != null && !type.isTextual()) {
            throw GatewayException.badRequest(where + ".type must be a string", "input");
        }
        String t = type == null ? "message" : type.asText();
        switch (t) {
            case "message" -> {
                if (!item.path("role").isTextual()) {
                    throw GatewayException.badRequest(where + ".role is required", "input");
                }
                JsonNode content = item.get("content");
                if (content == null || !(content.isTextual() || content.isArray())) {
                    throw GatewayException.badRequest(
                            where + ".content must be a string or an array of content parts", "input");
                }
                if (content.isArray()) {
                    for (int j = 0; j < content.size(); j++) {
                        JsonNode part = content.get(j);
                        if (!part.isObject() || !part.path("type").isTextual()) {
                            throw GatewayException.badRequest(
                                    where + ".content[" + j + "] must be an object with a type", "input");
                        }
                    }
                }
            }
            case "function_call" -> {
                if (!item.path("call_id").isTextual() || !item.path("name").isTextual()) {
                    throw GatewayException.badRequest(where + " needs call_id and name", "input");
                }
                if (item.has("arguments") && !item.get("arguments").isTextual()) {
                    throw GatewayException.badRequest(where + ".arguments must be a string", "input");
                }
            }
            case "function_call_output" -> {
                if (!item.path("call_id").isTextual()) {
                    throw GatewayException.badRequest(where + ".call_id is required", "input");
                }
                JsonNode out = item.get("output");
                if (out == null || !(out.isTextual() || out.isArray())) {
                    throw GatewayException.badRequest(where + ".output must be a string or an array", "input");
                }
            }
            default -> {
                // reasoning, item_reference, hosted tool calls...: a passed-through provider knows them
            }
        }
    }

    private static void text(ObjectNode body, String field) {
        JsonNode n = body.get(field);
        if (n != null && !n.isNull() && !n.isTextual()) {
            throw GatewayException.badRequest(field + " must be a string", field);
        }
    }

    private static void bool(ObjectNode body, String field) {
        JsonNode n = body.get(field);
        if (n != null && !n.isNull() && !n.isBoolean()) {
            throw GatewayException.badRequest(field + " must be a boolean", field);
        }
    }

    private static void object(ObjectNode body, String field) {
        JsonNode n = body.get(field);
        if (n != null && !n.isNull() && !n.isObject()) {
            throw GatewayException.badRequest(field + " must be an object", field);
        }
    }

    private static void number(ObjectNode body, String field, double min, double max) {
        JsonNode n = body.get(field);
        if (n != null && !n.isNull() && (!n.isNumber() || n.asDouble() < min || n.asDouble() > max)) {
            throw GatewayException.badRequest(field + " must be a number from " + min + " to " + max, field);
        }
    }
}
