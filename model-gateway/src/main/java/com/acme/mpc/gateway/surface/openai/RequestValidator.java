package com.acme.mpc.gateway.surface.openai;

import com.acme.mpc.gateway.core.CallType;
import com.acme.mpc.gateway.core.GatewayException;
import com.acme.mpc.gateway.surface.ParameterRanges;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;

/**
 * Rejects malformed OpenAI requests with a 400 naming the offending parameter, before any provider is called. Only
 * checks what the gateway relies on or what providers would reject less clearly; unknown parameters pass.
 */
public final class RequestValidator {
    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool", "function");

    private RequestValidator() {}

    /**
     * Provider credentials a client may try to send in the body (LiteLLM's client-side credentials): never sent on,
     * never used; refused as LiteLLM refuses them without {@code allow_client_side_credentials}.
     */
    static final java.util.List<String> CLIENT_CREDENTIALS = java.util.List.of("api_key", "api_base", "base_url");

    public static void validate(CallType type, ObjectNode body) {
        validate(type, body, false);
    }

    /**
     * @param allowClientCredentials {@code general_settings.allow_client_side_credentials}: the body may carry
     *     {@code api_key}/{@code api_base}/{@code base_url} (checked by {@code RequestFields.routing})
     */
    public static void validate(CallType type, ObjectNode body, boolean allowClientCredentials) {
        requireString(body, "model");
        for (String field : CLIENT_CREDENTIALS) {
            if (!allowClientCredentials && body.has(field)) {
                throw GatewayException.badRequest(
                        "Rejected request: '" + field + "' is not allowed in the request body: the gateway calls"
                                + " providers with its own credentials (set general_settings.allow_client_side_credentials"
                                + " to let clients send their own)",
                        field);
            }
        }
        optionalBoolean(body, "stream");
        optionalNumber(body, "temperature");
        optionalNumber(body, "top_p");
        ParameterRanges.openAi(type, body);
        JsonNode streamOptions = body.get("stream_options");
        if (streamOptions != null && !streamOptions.isNull() && !streamOptions.isObject()) {
            throw GatewayException.badRequest("'stream_options' must be an object", "stream_options");
        }
        JsonNode user = body.get("user");
        if (user != null && !user.isNull() && !user.isTextual()) {
            throw GatewayException.badRequest("'user' must be a string", "user");
        }
        switch (type) {
            case CHAT_COMPLETION -> validateChat(body);
            case TEXT_COMPLETION -> validatePrompt(body);
            case EMBEDDING -> validateEmbeddingInput(body);
            default -> {}
        }
    }

    private static void validateChat(ObjectNode body) {
        JsonNode messages = body.get("messages");
        if (messages == null || messages.isNull()) {
            throw GatewayException.badRequest("'messages' is required", "messages");
        }
        if (!messages.isArray()) {
            throw GatewayException.badRequest("'messages' must be an array", "messages");
        }
        if (messages.isEmpty()) {
            throw GatewayException.badRequest("'messages' must contain at least one message", "messages");
        }
        for (int i = 0; i < messages.size(); i++) {
            JsonNode m = messages.get(i);
            String p = "messages[" + i + "]";
            if (!m.isObject()) {
                throw GatewayException.badRequest(p + " must be an object", p);
            }
            JsonNode role = m.get("role");
            if (role == null || !role.isTextual()) {
                throw GatewayException.badRequest(p + ".role is required and must be a string", p + ".role");
            }
            if (!ROLES.contains(role.asText())) {
                throw GatewayException.badRequest(
                        p + ".role '" + role.asText() + "' is not one of " + String.join(", ", ROLES), p + ".role");
            }
            JsonNode content = m.get("content");
            if (content == null || content.isNull()) {
                // an assistant turn may carry only tool calls
                if (!role.asText().equals("assistant")) {
                    throw GatewayException.badRequest(p + ".content is required", p + ".content");
                }
            } else if (!content.isTextual() && !content.isArray()) {
                throw GatewayException.badRequest(
                        p + ".content must be a string or an array of content parts", p + ".content");
            }
        }
        JsonNode tools = body.get("tools");
        if (tools != null && !tools.isNull() && !tools.isArray()) {
            throw GatewayException.badRequest("'tools' must be an array", "tools");
        }
        JsonNode stop = body.get("stop");
        if (stop != null && !stop.isNull() && !stop.isTextual() && !stop.isArray()) {
            throw GatewayException.badRequest("'stop' must be a string or an array of strings", "stop");
        }
    }

    private static void validatePrompt(ObjectNode body) {
        JsonNode prompt = body.get("prompt");
        if (prompt == null || prompt.isNull()) {
            throw GatewayException.badRequest("'prompt' is required", "prompt");
        }
        if (!prompt.isTextual() && !prompt.isArray()) {
            throw GatewayException.badRequest("'prompt' must be a string or an array", "prompt");
        }
    }

    private static void validateEmbeddingInput(ObjectNode body) {
        JsonNode input = body.get("input");
        if (input == null || input.isNull()) {
            throw GatewayException.badRequest("'input' is required", "input");
        }
        if (input.isTextual()) {
            if (input.asText().isEmpty()) {
                throw GatewayException.badRequest("'input' must not be empty", "input");
            }
            return;
        }
        if (!input.isArray() || input.isEmpty()) {
            throw GatewayException.badRequest(
                    "'input' must be a non-empty string or a non-empty array of strings or token arrays", "input");
        }
        for (int i = 0; i < input.size(); i++) {
            JsonNode item = input.get(i);
            if (!item.isTextual() && !item.isArray() && !item.isIntegralNumber()) {
                throw GatewayException.badRequest("input[" + i + "] must be a string or a token array", "input");
            }
        }
        JsonNode format = body.get("encoding_format");
        if (format != null
                && !format.isNull()
                && !"float".equals(format.asText())
                && !"base64".equals(format.asText())) {
            throw GatewayException.badRequest("'encoding_format' must be 'float' or 'base64'", "encoding_format");
        }
    }

    private static void requireString(ObjectNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            throw GatewayException.badRequest("'" + field + "' is required", field);
        }
        if (!v.isTextual() || v.asText().isBlank()) {
            throw GatewayException.badRequest("'" + field + "' must be a non-empty string", field);
        }
    }

    private static void optionalBoolean(ObjectNode body, String field) {
        JsonNode v = body.get(field);
        if (v != null && !v.isNull() && !v.isBoolean()) {
            throw GatewayException.badRequest("'" + field + "' must be a boolean", field);
        }
    }

    private static void optionalNumber(ObjectNode body, String field) {
        JsonNode v = body.get(field);
        if (v != null && !v.isNull() && !v.isNumber()) {
            throw GatewayException.badRequest("'" + field + "' must be a number", field);
        }
    }
}
