package com.acme.mpc.gateway.provider.ollama;

import com.acme.mpc.gateway.core.GatewayException;
import com.acme.mpc.gateway.core.Json;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.Map;

/**
 * Pure translation of OpenAI chat messages to Ollama's: content parts flattened to text plus inline {@code images},
 * tool-call arguments from JSON strings to objects, tool results labelled with the tool's name.
 */
final class OllamaMessageMapper {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private OllamaMessageMapper() {}

    static ArrayNode toOllamaMessages(JsonNode messages) {
        if (!messages.isArray() || messages.isEmpty()) {
            throw GatewayException.badRequest("messages must be a non-empty array", "messages");
        }
        ArrayNode out = F.arrayNode();
        // Ollama's chat templates name the tool a result belongs to; OpenAI only links it by call id.
        Map<String, String> toolNamesById = new HashMap<>();
        for (int i = 0; i < messages.size(); i++) {
            out.add(toOllamaMessage(messages.get(i), i, toolNamesById));
        }
        return out;
    }

    private static ObjectNode toOllamaMessage(JsonNode m, int i, Map<String, String> toolNamesById) {
        String role = m.path("role").asText("");
        if (role.isEmpty()) {
            throw GatewayException.badRequest("messages[" + i + "].role is required", "messages");
        }
        ObjectNode out = F.objectNode();
        // Ollama's templates know system, user, assistant and tool only.
        out.put("role", "developer".equals(role) ? "system" : role);
        ArrayNode images = F.arrayNode();
        out.put("content", content(m.get("content"), i, images));
        if (!images.isEmpty()) {
            out.set("images", images);
        }
        JsonNode toolCalls = m.get("tool_calls");
        if (toolCalls != null && toolCalls.isArray() && !toolCalls.isEmpty()) {
            ArrayNode calls = out.putArray("tool_calls");
            for (JsonNode call : toolCalls) {
                calls.add(toOllamaToolCall(call, i));
                String id = call.path("id").asText("");
                if (!id.isEmpty()) {
                    toolNamesById.put(id, call.path("function").path("name").asText(""));
                }
            }
        }
        if ("tool".equals(role)) {
            String name = toolNamesById.get(m.path("tool_call_id").asText(""));
            if (name != null && !name.isEmpty()) {
                out.put("tool_name", name);
            }
        }
        return out;
    }

    private static ObjectNode toOllamaToolCall(JsonNode call, int i) {
        JsonNode fn = call.path("function");
        ObjectNode function = F.objectNode();
        function.put("name", fn.path("name").asText(""));
        JsonNode args = fn.get("arguments");
        if (args == null || args.isNull() || (args.isTextual() && args.asText().isBlank())) {
            function.putObject("arguments");
        } else if (args.isObject()) {
            function.set("arguments", args.deepCopy());
        } else {
            function.set("arguments", parseArguments(args.asText(), i));
        }
        ObjectNode out = F.objectNode();
        out.set("function", function);
        return out;
    }

    private static JsonNode parseArguments(String text, int i) {
        try {
            JsonNode parsed = Json.MAPPER.readTree(text);
            if (parsed instanceof ObjectNode) {
                return parsed;
            }
        } catch (JsonProcessingException e) {
            // reported below
        }
        throw GatewayException.badRequest(
                "messages[" + i + "].tool_calls[].function.arguments must be a JSON object encoded as a string",
                "messages");
    }

    private static String content(JsonNode content, int i, ArrayNode images) {
        if (content == null || content.isNull()) {
            return "";
        }
        if (content.isTextual()) {
            return content.asText();
        }
        if (!content.isArray()) {
            throw GatewayException.badRequest("messages[" + i + "].content must be a string or an array", "messages");
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode part : content) {
            String type = part.path("type").asText("");
            switch (type) {
                case "text" -> {
                    if (!text.isEmpty()) {
                        text.append('\n');
                    }
                    text.append(part.path("text").asText(""));
                }
                case "image_url" -> images.add(inlineImage(part.path("image_url"), i));
                default ->
                    throw GatewayException.badRequest(
                            "messages[" + i + "]: content part type '" + type + "' is not supported by ollama",
                            "messages");
            }
        }
        return text.toString();
    }

    /** Ollama only takes images inline as base64; it never fetches URLs. */
    private static String inlineImage(JsonNode imageUrl, int i) {
        String url =
                imageUrl.isTextual() ? imageUrl.asText() : imageUrl.path("url").asText("");
        int comma = url.indexOf(',');
        if (!url.startsWith("data:") || comma < 0 || !url.substring(0, comma).endsWith(";base64")) {
            throw GatewayException.badRequest(
                    "messages[" + i + "]: ollama needs images inline as data:<mime>;base64,... URLs", "messages");
        }
        return url.substring(comma + 1);
    }
}
