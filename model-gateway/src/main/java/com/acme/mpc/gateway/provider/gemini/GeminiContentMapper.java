package com.acme.mpc.gateway.provider.gemini;

import com.acme.mpc.gateway.core.GatewayException;
import com.acme.mpc.gateway.core.Json;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * OpenAI {@code messages} to Gemini's {@code systemInstruction} + {@code contents}. Gemini knows two roles, {@code user}
 * and {@code model}; tool results are {@code functionResponse} parts of a user turn and must name the function, which
 * OpenAI's tool message does not, so the name is looked up from the assistant turn that made the call. Consecutive
 * turns of the same role are merged, which also puts the results of parallel calls into one turn as Gemini wants.
 */
final class GeminiContentMapper {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    /** @param systemInstruction null when the conversation has no system text */
    record Converted(ObjectNode systemInstruction, ArrayNode contents) {}

    private GeminiContentMapper() {}

    static Converted convert(JsonNode messages) {
        if (messages == null || !messages.isArray() || messages.isEmpty()) {
            throw GatewayException.badRequest("messages must be a non-empty list", "messages");
        }
        ArrayNode systemParts = F.arrayNode();
        ArrayNode contents = F.arrayNode();
        Map<String, String> functionNameByCallId = new HashMap<>();
        for (int i = 0; i < messages.size(); i++) {
            JsonNode msg = messages.get(i);
            String p = "messages[" + i + "]";
            String role = msg.path("role").asText("");
            switch (role) {
                case "system", "developer" -> {
                    for (JsonNode part : userParts(msg.get("content"), p)) {
                        if (!part.has("text")) {
                            throw GatewayException.badRequest(
                                    "system messages may only hold text for gemini models", p + ".content");
                        }
                        systemParts.add(part);
                    }
                }
                case "user" -> append(contents, "user", userParts(msg.get("content"), p));
                case "assistant" -> append(contents, "model", modelParts(msg, p, functionNameByCallId));
                case "tool" ->
                    append(contents, "user", F.arrayNode().add(functionResponse(msg, p, functionNameByCallId)));
                default ->
                    throw GatewayException.badRequest(
                            "unsupported message role '" + role + "' for a gemini model", p + ".role");
            }
        }
        if (contents.isEmpty()) {
            throw GatewayException.badRequest("messages must contain a user or assistant message", "messages");
        }
        ObjectNode system = null;
        if (!systemParts.isEmpty()) {
            system = F.objectNode();
            system.set("parts", systemParts);
        }
        return new Converted(system, contents);
    }

    private static void append(ArrayNode contents, String role, ArrayNode parts) {
        if (parts.isEmpty()) {
            return; // Gemini rejects a content without parts
        }
        JsonNode last = contents.isEmpty() ? null : contents.get(contents.size() - 1);
        if (last != null && role.equals(last.path("role").asText())) {
            ((ArrayNode) last.get("parts")).addAll(parts);
            return;
        }
        ObjectNode content = contents.addObject();
        content.put("role", role);
        content.set("parts", parts);
    }

    private static ArrayNode userParts(JsonNode content, String p) {
        ArrayNode parts = F.arrayNode();
        if (content == null || content.isNull()) {
            return parts;
        }
        if (content.isTextual()) {
            addText(parts, content.asText());
            return parts;
        }
        if (!content.isArray()) {
            throw GatewayException.badRequest("content must be a string or a list of parts", p + ".content");
        }
        for (int j = 0; j < content.size(); j++) {
            JsonNode part = content.get(j);
            String pp = p + ".content[" + j + "]";
            String type = part.path("type").asText("");
            switch (type) {
                case "text" -> addText(parts, part.path("text").asText(""));
                case "image_url" -> parts.add(media(imageUrl(part.get("image_url"), pp), null, pp + ".image_url"));
                case "file" -> parts.add(file(part.path("file"), pp + ".file"));
                default ->
                    throw GatewayException.badRequest(
                            "content part type '" + type + "' is not supported for gemini models", pp + ".type");
            }
        }
        return parts;
    }

    private static void addText(ArrayNode parts, String text) {
        // Gemini rejects empty text parts; OpenAI clients send content "" routinely (e.g. next to tool_calls).
        if (!text.isEmpty()) {
            parts.addObject().put("text", text);
        }
    }

    private static String imageUrl(JsonNode imageUrl, String p) {
        String url = imageUrl == null
                ? null
                : imageUrl.isTextual()
                        ? imageUrl.asText()
                        : imageUrl.path("url").asText(null);
        if (url == null || url.isEmpty()) {
            throw GatewayException.badRequest("image_url.url is required", p + ".image_url");
        }
        return url;
    }

    private static ObjectNode file(JsonNode file, String p) {
        String data = file.path("file_data").asText("");
        if (!data.isEmpty()) {
            return media(data, file.path("format").asText(null), p + ".file_data");
        }
        String id = file.path("file_id").asText("");
        if (id.isEmpty()) {
            throw GatewayException.badRequest("file needs file_data or file_id", p);
        }
        return media(id, file.path("format").asText(null), p + ".file_id");
    }

    /**
     * A data: URL becomes {@code inlineData}; any other URL (a Files API URI, a Cloud Storage or YouTube link) becomes
     * {@code fileData} that Google fetches itself: the gateway never downloads a URL a client names.
     */
    static ObjectNode media(String url, String mimeType, String p) {
        ObjectNode part = F.objectNode();
        if (url.startsWith("data:")) {
            int comma = url.indexOf(',');
            String header = comma < 0 ? "" : url.substring(5, comma);
            if (comma < 0 || !header.endsWith(";base64")) {
                throw GatewayException.badRequest("data: URLs must be base64-encoded", p);
            }
            part.putObject("inlineData")
                    .put("mimeType", header.substring(0, header.indexOf(';')))
                    .put("data", url.substring(comma + 1));
            return part;
        }
        if (!url.startsWith("https://") && !url.startsWith("http://") && !url.startsWith("gs://")) {
            throw GatewayException.badRequest("expected a data:, http(s) or gs:// URL", p);
        }
        part.putObject("fileData")
                .put("mimeType", mimeType != null ? mimeType : mimeTypeOf(url))
                .put("fileUri", url);
        return part;
    }

    /** Gemini requires a MIME type with every file URI; OpenAI image parts carry none, so the extension decides. */
    private static String mimeTypeOf(String url) {
        String path = url.toLowerCase(Locale.ROOT);
        int q = path.indexOf('?');
        if (q >= 0) {
            path = path.substring(0, q);
        }
        if (path.endsWith(".png")) {
            return "image/png";
        }
        if (path.endsWith(".webp")) {
            return "image/webp";
        }
        if (path.endsWith(".gif")) {
            return "image/gif";
        }
        if (path.endsWith(".pdf")) {
            return "application/pdf";
        }
        if (path.contains("youtube.com/") || path.contains("youtu.be/")) {
            return "video/mp4";
        }
        return "image/jpeg";
    }

    private static ArrayNode modelParts(JsonNode msg, String p, Map<String, String> functionNameByCallId) {
        ArrayNode parts = userParts(msg.get("content"), p);
        JsonNode calls = msg.get("tool_calls");
        if (calls == null || !calls.isArray()) {
            return parts;
        }
        for (int k = 0; k < calls.size(); k++) {
            JsonNode call = calls.get(k);
            String cp = p + ".tool_calls[" + k + "]";
            String id = call.path("id").asText("");
            String name = call.path("function").path("name").asText("");
            if (name.isEmpty()) {
                throw GatewayException.badRequest("a tool call needs a function name", cp + ".function.name");
            }
            functionNameByCallId.put(id, name);
            ObjectNode part = parts.addObject();
            ObjectNode fc = part.putObject("functionCall");
            fc.put("name", name);
            fc.set("args", arguments(call.path("function").get("arguments"), cp + ".function.arguments"));
            String signature = GeminiToolCallIds.signatureOf(id);
            if (signature != null) {
                // Gemini 3 refuses a function call of the current turn sent back without its thought signature.
                part.put("thoughtSignature", signature);
            }
        }
        return parts;
    }

    /** OpenAI carries arguments as a JSON string; Gemini wants the object. */
    private static JsonNode arguments(JsonNode args, String p) {
        if (args == null || args.isNull() || args.isTextual() && args.asText().isBlank()) {
            return F.objectNode();
        }
        if (args.isObject()) {
            return args;
        }
        JsonNode parsed = args.isTextual() ? parse(args.asText()) : null;
        if (parsed == null || !parsed.isObject()) {
            throw GatewayException.badRequest(p + " must be a JSON object encoded as a string", p);
        }
        return parsed;
    }

    private static ObjectNode functionResponse(JsonNode msg, String p, Map<String, String> functionNameByCallId) {
        String id = msg.path("tool_call_id").asText("");
        String name = functionNameByCallId.get(id);
        if (name == null) {
            name = msg.path("name").asText("");
        }
        if (name.isEmpty()) {
            throw GatewayException.badRequest(
                    "tool message answers no earlier assistant tool call (gemini needs the function name)",
                    p + ".tool_call_id");
        }
        ObjectNode part = F.objectNode();
        ObjectNode fr = part.putObject("functionResponse");
        fr.put("name", name);
        fr.set("response", responseObject(msg.get("content")));
        return part;
    }

    /** Gemini's function response is an object: a JSON object result is sent as is, anything else under "content". */
    private static JsonNode responseObject(JsonNode content) {
        String text;
        if (content == null || content.isNull()) {
            text = "";
        } else if (content.isTextual()) {
            text = content.asText();
        } else if (content.isArray()) {
            StringBuilder sb = new StringBuilder();
            content.forEach(part -> sb.append(part.path("text").asText("")));
            text = sb.toString();
        } else {
            text = content.toString();
        }
        JsonNode parsed = text.startsWith("{") ? parse(text) : null;
        if (parsed != null && parsed.isObject()) {
            return parsed;
        }
        return F.objectNode().put("content", text);
    }

    private static JsonNode parse(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            return null;
        }
    }
}
