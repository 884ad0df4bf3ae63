package com.acme.mpc.gateway.provider.bedrock;

import com.acme.mpc.gateway.core.GatewayException;
import com.acme.mpc.gateway.core.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;
import java.util.Set;

/**
 * OpenAI {@code messages} to Converse's {@code system} + {@code messages}. Converse knows the roles {@code user} and
 * {@code assistant} with content blocks; tool results are {@code toolResult} blocks of a user turn. Consecutive turns
 * of one role are merged (Converse wants them alternating), which also puts the results of parallel calls into one
 * turn.
 */
final class BedrockMessageMapper {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    /** Converse's image formats. */
    private static final Set<String> IMAGE_FORMATS = Set.of("png", "jpeg", "gif", "webp");

    record Converted(ArrayNode system, ArrayNode messages) {}

    private BedrockMessageMapper() {}

    static Converted convert(JsonNode messages) {
        if (messages == null || !messages.isArray() || messages.isEmpty()) {
            throw GatewayException.badRequest("messages must be a non-empty list", "messages");
        }
        ArrayNode system = F.arrayNode();
        ArrayNode out = F.arrayNode();
        for (int i = 0; i < messages.size(); i++) {
            JsonNode msg = messages.get(i);
            String p = "messages[" + i + "]";
            String role = msg.path("role").asText("");
            switch (role) {
                case "system", "developer" -> {
                    for (JsonNode block : withCachePoint(msg, contentBlocks(msg.get("content"), p))) {
                        if (!block.has("text") && !block.has("cachePoint")) {
                            throw GatewayException.badRequest(
                                    "system messages may only hold text for bedrock models", p + ".content");
                        }
                        system.add(block);
                    }
                }
                case "user" -> append(out, "user", withCachePoint(msg, contentBlocks(msg.get("content"), p)));
                case "assistant" -> append(out, "assistant", withCachePoint(msg, assistantBlocks(msg, p)));
                case "tool" -> append(out, "user", F.arrayNode().add(toolResult(msg, p)));
                default ->
                    throw GatewayException.badRequest(
                            "unsupported message role '" + role + "' for a bedrock model", p + ".role");
            }
        }
        if (out.isEmpty()) {
            throw GatewayException.badRequest("messages must contain a user or assistant message", "messages");
        }
        return new Converted(system, out);
    }

    private static void append(ArrayNode out, String role, ArrayNode blocks) {
        if (blocks.isEmpty()) {
            return; // Converse rejects a message without content
        }
        JsonNode last = out.isEmpty() ? null : out.get(out.size() - 1);
        if (last != null && role.equals(last.path("role").asText())) {
            ((ArrayNode) last.get("content")).addAll(blocks);
            return;
        }
        ObjectNode message = out.addObject();
        message.put("role", role);
        message.set("content", blocks);
    }

    static ArrayNode contentBlocks(JsonNode content, String p) {
        ArrayNode blocks = F.arrayNode();
        if (content == null || content.isNull()) {
            return blocks;
        }
        if (content.isTextual()) {
            addText(blocks, content.asText());
            return blocks;
        }
        if (!content.isArray()) {
            throw GatewayException.badRequest("content must be a string or a list of parts", p + ".content");
        }
        for (int j = 0; j < content.size(); j++) {
            JsonNode part = content.get(j);
            String pp = p + ".content[" + j + "]";
            String type = part.path("type").asText("");
            switch (type) {
                case "text" -> {
                    addText(blocks, part.path("text").asText(""));
                    if (part.path("cache_control").isObject() && !blocks.isEmpty()) {
                        blocks.add(cachePoint());
                    }
                }
                case "image_url" -> blocks.add(image(part.get("image_url"), pp + ".image_url"));
                case "file" -> blocks.add(BedrockDocuments.document(part.get("file"), pp));
                default ->
                    throw GatewayException.badRequest(
                            "content part type '" + type + "' is not supported for bedrock models", pp + ".type");
            }
        }
        return blocks;
    }

    /**
     * Anthropic-style {@code cache_control} (on a message or a content part, as LiteLLM accepts it) marks a prompt
     * cache point: Converse takes it as a {@code cachePoint} block after the cached content.
     */
    private static ArrayNode withCachePoint(JsonNode msg, ArrayNode blocks) {
        if (msg.path("cache_control").isObject() && !blocks.isEmpty()) {
            blocks.add(cachePoint());
        }
        return blocks;
    }

    static ObjectNode cachePoint() {
        ObjectNode block = F.objectNode();
        block.putObject("cachePoint").put("type", "default");
        return block;
    }

    private static void addText(ArrayNode blocks, String text) {
        // Converse rejects blank text blocks; OpenAI clients send content "" next to tool_calls routinely
        if (!text.isBlank()) {
            blocks.addObject().put("text", text);
        }
    }

    /**
     * A base64 {@code data:} URL becomes an image block with its bytes (base64 in JSON). Converse takes no image URL,
     * and the gateway downloads nothing a client names, so http(s) URLs are refused.
     */
    static ObjectNode image(JsonNode imageUrl, String p) {
        String url = imageUrl == null
                ? null
                : imageUrl.isTextual()
                        ? imageUrl.asText()
                        : imageUrl.path("url").asText(null);
        if (url == null || !url.startsWith("data:")) {
            throw GatewayException.badRequest(
                    "bedrock models take images only inline, as a base64 data: URL (data:image/png;base64,...)", p);
        }
        int comma = url.indexOf(',');
        String header = comma < 0 ? "" : url.substring(5, comma);
        if (comma < 0 || !header.endsWith(";base64")) {
            throw GatewayException.badRequest("data: URLs must be base64-encoded", p);
        }
        String mediaType = header.substring(0, header.indexOf(';')).toLowerCase(Locale.ROOT);
        String format = mediaType.startsWith("image/") ? mediaType.substring("image/".length()) : "";
        if (format.equals("jpg")) {
            format = "jpeg";
        }
        if (!IMAGE_FORMATS.contains(format)) {
            throw GatewayException.badRequest(
                    "bedrock models take png, jpeg, gif or webp images, not '" + mediaType + "'", p);
        }
        ObjectNode image = F.objectNode().put("format", format);
        image.putObject("source").put("bytes", url.substring(comma + 1));
        ObjectNode block = F.objectNode();
        block.set("image", image);
        return block;
    }

    private static ArrayNode assistantBlocks(JsonNode msg, String p) {
        ArrayNode blocks = contentBlocks(msg.get("content"), p);
        JsonNode calls = msg.get("tool_calls");
        if (calls != null && calls.isArray()) {
            for (int k = 0; k < calls.size(); k++) {
                blocks.add(toolUse(calls.get(k), p + ".tool_calls[" + k + "]"));
            }
        }
        return blocks;
    }

    private static ObjectNode toolUse(JsonNode call, String p) {
        String id = call.path("id").asText("");
        String name = call.path("function").path("name").asText("");
        if (id.isEmpty() || name.isEmpty()) {
            throw GatewayException.badRequest("a tool call needs an id and a function name", p);
        }
        ObjectNode toolUse = F.objectNode().put("toolUseId", id).put("name", name);
        toolUse.set("input", arguments(call.path("function").get("arguments"), p + ".function.arguments"));
        ObjectNode block = F.objectNode();
        block.set("toolUse", toolUse);
        return block;
    }

    /** OpenAI carries arguments as a JSON string; Converse wants the object. */
    private static JsonNode arguments(JsonNode args, String p) {
        if (args == null || args.isNull() || args.isTextual() && args.asText().isBlank()) {
            return F.objectNode();
        }
        if (args.isObject()) {
            return args;
        }
        ObjectNode parsed = args.isTextual() ? Json.objectOrNull(args.asText()) : null;
        if (parsed == null) {
            throw GatewayException.badRequest(p + " must be a JSON object encoded as a string", p);
        }
        return parsed;
    }

    /** A tool message as a {@code toolResult}: text (a JSON object result stays text, as the model wrote it). */
    private static ObjectNode toolResult(JsonNode msg, String p) {
        String id = msg.path("tool_call_id").asText("");
        if (id.isEmpty()) {
            throw GatewayException.badRequest("tool messages need a tool_call_id", p + ".tool_call_id");
        }
        ArrayNode content = contentBlocks(msg.get("content"), p);
        if (content.isEmpty()) {
            // Converse needs at least one content block in a result
            content.addObject().put("text", "(empty)");
        }
        ObjectNode result = F.objectNode().put("toolUseId", id);
        result.set("content", content);
        ObjectNode block = F.objectNode();
        block.set("toolResult", result);
        return block;
    }
}
