package com.acme.mpc.gateway.provider.anthropic;

import com.acme.mpc.gateway.core.GatewayException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * OpenAI {@code messages} to Anthropic's {@code system} + {@code messages}. Anthropic wants strictly alternating
 * user/assistant turns and tool results inside user turns, so consecutive messages that end up with the same role are
 * merged into one message whose content is the concatenated block list.
 */
final class AnthropicMessageMapper {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** @param system null when the conversation has no system text */
    record Converted(JsonNode system, ArrayNode messages) {}

    private AnthropicMessageMapper() {}

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
                case "system", "developer" -> system.addAll(withCacheControl(msg, textBlocks(msg.get("content"), p)));
                case "user" -> append(out, "user", withCacheControl(msg, contentBlocks(msg.get("content"), p)));
                case "assistant" -> append(out, "assistant", withCacheControl(msg, assistantBlocks(msg, p)));
                case "tool" ->
                    append(out, "user", withCacheControl(msg, F.arrayNode().add(toolResult(msg, p))));
                default ->
                    throw GatewayException.badRequest(
                            "unsupported message role '" + role + "' for an anthropic model", p + ".role");
            }
        }
        if (out.isEmpty()) {
            throw GatewayException.badRequest("messages must contain a user or assistant message", "messages");
        }
        return new Converted(systemValue(system), out);
    }

    /** A plain string when possible (the common case, and what Anthropic's docs show); blocks keep cache_control. */
    private static JsonNode systemValue(ArrayNode blocks) {
        if (blocks.isEmpty()) {
            return null;
        }
        if (blocks.size() == 1 && !blocks.get(0).has("cache_control")) {
            return TextNode.valueOf(blocks.get(0).path("text").asText());
        }
        return blocks;
    }

    private static void append(ArrayNode out, String role, ArrayNode blocks) {
        if (blocks.isEmpty()) {
            // Anthropic rejects empty content; an empty turn carries nothing for the model either.
            return;
        }
        JsonNode last = out.isEmpty() ? null : out.get(out.size() - 1);
        if (last != null && role.equals(last.path("role").asText())) {
            ((ArrayNode) last.get("content")).addAll(blocks);
            return;
        }
        ObjectNode msg = out.addObject();
        msg.put("role", role);
        msg.set("content", blocks);
    }

    /** LiteLLM's message-level cache_control marks the message's last block, which is where Anthropic wants it. */
    private static ArrayNode withCacheControl(JsonNode msg, ArrayNode blocks) {
        JsonNode cc = msg.get("cache_control");
        if (cc != null && cc.isObject() && !blocks.isEmpty()) {
            ((ObjectNode) blocks.get(blocks.size() - 1)).set("cache_control", cc);
        }
        return blocks;
    }

    private static ArrayNode textBlocks(JsonNode content, String p) {
        ArrayNode blocks = contentBlocks(content, p);
        for (JsonNode b : blocks) {
            if (!"text".equals(b.path("type").asText())) {
                throw GatewayException.badRequest("system messages may only contain text", p + ".content");
            }
        }
        return blocks;
    }

    static ArrayNode contentBlocks(JsonNode content, String p) {
        ArrayNode blocks = F.arrayNode();
        if (content == null || content.isNull()) {
            return blocks;
        }
        if (content.isTextual()) {
            addText(blocks, content.asText(), null);
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
                case "text" -> addText(blocks, part.path("text").asText(""), part.get("cache_control"));
                case "image_url" -> blocks.add(imageBlock(part.get("image_url"), pp + ".image_url"));
                case "file" -> blocks.add(documentBlock(part.path("file"), pp + ".file"));
                // Anthropic-native blocks, sent by clients that know they talk to Claude
                case "image", "document" -> blocks.add(part.deepCopy());
                default ->
                    throw GatewayException.badRequest(
                            "content part type '" + type + "' is not supported for anthropic models", pp + ".type");
            }
        }
        return blocks;
    }

    private static void addText(ArrayNode blocks, String text, JsonNode cacheControl) {
        // Anthropic rejects empty text blocks; OpenAI clients send content "" routinely (e.g. next to tool_calls).
        if (text.isEmpty()) {
            return;
        }
        ObjectNode block = blocks.addObject().put("type", "text").put("text", text);
        if (cacheControl != null && cacheControl.isObject()) {
            block.set("cache_control", cacheControl);
        }
    }

    static ObjectNode imageBlock(JsonNode imageUrl, String p) {
        String url = imageUrl == null
                ? null
                : imageUrl.isTextual()
                        ? imageUrl.asText()
                        : imageUrl.path("url").asText(null);
        if (url == null || url.isEmpty()) {
            throw GatewayException.badRequest("image_url.url is required", p);
        }
        ObjectNode block = F.objectNode().put("type", "image");
        block.set("source", source(url, p));
        return block;
    }

    private static ObjectNode documentBlock(JsonNode file, String p) {
        String data = file.path("file_data").asText("");
        if (!data.startsWith("data:")) {
            throw GatewayException.badRequest(
                    "anthropic models accept files only inline as a base64 data: URL in file_data", p + ".file_data");
        }
        ObjectNode block = F.objectNode().put("type", "document");
        block.set("source", source(data, p + ".file_data"));
        return block;
    }

    /** data: URLs become base64 sources; http(s) URLs are fetched by Anthropic itself. */
    private static ObjectNode source(String url, String p) {
        if (url.startsWith("data:")) {
            int comma = url.indexOf(',');
            String header = comma < 0 ? "" : url.substring(5, comma);
            if (comma < 0 || !header.endsWith(";base64")) {
                throw GatewayException.badRequest("data: URLs must be base64-encoded", p);
            }
            int semi = header.indexOf(';');
            return F.objectNode()
                    .put("type", "base64")
                    .put("media_type", header.substring(0, semi))
                    .put("data", url.substring(comma + 1));
        }
        if (url.startsWith("https://") || url.startsWith("http://")) {
            return F.objectNode().put("type", "url").put("url", url);
        }
        throw GatewayException.badRequest("expected a data: or http(s) URL", p);
    }

    private static ArrayNode assistantBlocks(JsonNode msg, String p) {
        ArrayNode blocks = F.arrayNode();
        JsonNode thinking = msg.get("thinking_blocks");
        if (thinking != null && thinking.isArray()) {
            // must precede the text and tool_use blocks of the turn, as in Anthropic's own answer
            thinking.forEach(b -> blocks.add(b.deepCopy()));
        }
        blocks.addAll(contentBlocks(msg.get("content"), p));
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
        return F.objectNode()
                .put("type", "tool_use")
                .put("id", id)
                .put("name", name)
                .set("input", arguments(call.path("function").get("arguments"), p + ".function.arguments"));
    }

    /** OpenAI carries arguments as a JSON string; Anthropic wants the object. */
    private static JsonNode arguments(JsonNode args, String p) {
        if (args == null || args.isNull() || args.isTextual() && args.asText().isBlank()) {
            return F.objectNode();
        }
        if (args.isObject()) {
            return args;
        }
        JsonNode parsed;
        try {
            parsed = args.isTextual() ? JSON.readTree(args.asText()) : null;
        } catch (JsonProcessingException e) {
            parsed = null;
        }
        if (parsed == null || !parsed.isObject()) {
            throw GatewayException.badRequest(p + " must be a JSON object encoded as a string", p);
        }
        return parsed;
    }

    private static ObjectNode toolResult(JsonNode msg, String p) {
        String id = msg.path("tool_call_id").asText("");
        if (id.isEmpty()) {
            throw GatewayException.badRequest("tool messages need a tool_call_id", p + ".tool_call_id");
        }
        ObjectNode block = F.objectNode().put("type", "tool_result").put("tool_use_id", id);
        JsonNode content = msg.get("content");
        if (content != null && content.isTextual()) {
            if (!content.asText().isEmpty()) {
                block.put("content", content.asText());
            }
        } else {
            ArrayNode parts = contentBlocks(content, p);
            if (!parts.isEmpty()) {
                block.set("content", parts);
            }
        }
        return block;
    }
}
