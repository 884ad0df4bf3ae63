package com.acme.mpc.gateway.surface.anthropic;

import com.acme.mpc.gateway.core.GatewayException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A Messages request in the canonical OpenAI chat form, for deployments that do not speak Anthropic's API. Pure.
 *
 * <p>Built from an allow-list: Anthropic-only features with no chat counterpart are left out on purpose
 * ({@code cache_control}, {@code top_k}, thinking blocks of earlier turns, server tools such as web search), because
 * OpenAI-compatible servers reject unknown fields. {@code thinking} becomes {@code reasoning_effort}, which the
 * surface keeps only for deployments that declare {@code supports_reasoning}.
 */
final class MessagesToChat {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private MessagesToChat() {}

    static ObjectNode convert(ObjectNode body) {
        ObjectNode out = F.objectNode();
        out.put("model", body.path("model").asText());
        ArrayNode messages = out.putArray("messages");
        String system = systemText(body.get("system"));
        if (system != null) {
            messages.addObject().put("role", "system").put("content", system);
        }
        for (JsonNode m : body.path("messages")) {
            if ("assistant".equals(m.path("role").asText())) {
                assistant(m.get("content"), messages);
            } else {
                user(m.get("content"), messages);
            }
        }
        out.set("max_tokens", body.get("max_tokens"));
        copy(body, "temperature", out);
        copy(body, "top_p", out);
        JsonNode stop = body.get("stop_sequences");
        if (stop != null && stop.isArray() && !stop.isEmpty()) {
            out.set("stop", stop);
        }
        String user = body.path("metadata").path("user_id").asText("");
        if (!user.isEmpty()) {
            out.put("user", user);
        }
        String effort = reasoningEffort(body.get("thinking"));
        if (effort != null) {
            out.put("reasoning_effort", effort);
        }
        tools(body, out);
        if (body.path("stream").asBoolean(false)) {
            out.put("stream", true); // the adapters ask for the usage chunk themselves
        }
        return out;
    }

    private static String systemText(JsonNode system) {
        if (system == null || system.isNull()) {
            return null;
        }
        if (system.isTextual()) {
            return system.asText();
        }
        StringBuilder sb = new StringBuilder();
        for (JsonNode b : system) {
            if ("text".equals(b.path("type").asText())) {
                if (!sb.isEmpty()) {
                    sb.append("\n\n");
                }
                sb.append(b.path("text").asText());
            }
        }
        return sb.isEmpty() ? null : sb.toString();
    }

    /** User turns: tool results become tool messages (first, right after the assistant's calls), the rest one user message. */
    private static void user(JsonNode content, ArrayNode messages) {
        if (content.isTextual()) {
            messages.addObject().put("role", "user").put("content", content.asText());
            return;
        }
        ArrayNode parts = F.arrayNode();
        for (JsonNode b : content) {
            switch (b.path("type").asText()) {
                case "tool_result" -> {
                    ObjectNode tool = messages.addObject();
                    tool.put("role", "tool");
                    tool.put("tool_call_id", b.path("tool_use_id").asText());
                    String text = toolResultText(b);
                    tool.put("content", b.path("is_error").asBoolean(false) ? "Error: " + text : text);
                }
                case "text" ->
                    parts.addObject()
                            .put("type", "text")
                            .put("text", b.path("text").asText());
                case "image" -> parts.add(image(b.path("source")));
                case "document" -> parts.add(document(b));
                default -> {
                    // search results, container uploads...: no chat counterpart
                }
            }
        }
        if (parts.isEmpty()) {
            return;
        }
        ObjectNode msg = messages.addObject().put("role", "user");
        if (parts.size() == 1 && parts.get(0).path("type").asText().equals("text")) {
            msg.put("content", parts.get(0).path("text").asText());
        } else {
            msg.set("content", parts);
        }
    }

    private static String toolResultText(JsonNode result) {
        JsonNode c = result.get("content");
        if (c == null || c.isNull()) {
            return "";
        }
        if (c.isTextual()) {
            return c.asText();
        }
        StringBuilder sb = new StringBuilder();
        for (JsonNode b : c) {
            if ("text".equals(b.path("type").asText())) {
                if (!sb.isEmpty()) {
                    sb.append('\n');
                }
                sb.append(b.path("text").asText());
            }
        }
        return sb.toString();
    }

    private static void assistant(JsonNode content, ArrayNode messages) {
        ObjectNode msg = F.objectNode().put("role", "assistant");
        if (content.isTextual()) {
            msg.put("content", content.asText());
            messages.add(msg);
            return;
        }
        StringBuilder text = new StringBuilder();
        ArrayNode calls = F.arrayNode();
        for (JsonNode b : content) {
            switch (b.path("type").asText()) {
                case "text" -> text.append(b.path("text").asText());
                case "tool_use" -> {
                    ObjectNode call = calls.addObject();
                    call.put("id", b.path("id").asText());
                    call.put("type", "function");
                    ObjectNode fn = call.putObject("function");
                    fn.put("name", b.path("name").asText());
                    JsonNode input = b.get("input");
                    fn.put("arguments", input == null || input.isNull() ? "{}" : input.toString());
                }
                default -> {
                    // thinking and redacted_thinking are Anthropic's own (signed) state; other providers reject them
                }
            }
        }
        if (text.isEmpty() && !calls.isEmpty()) {
            msg.putNull("content");
        } else {
            msg.put("content", text.toString());
        }
        if (!calls.isEmpty()) {
            msg.set("tool_calls", calls);
        }
        messages.add(msg);
    }

    private static ObjectNode image(JsonNode source) {
        ObjectNode part = F.objectNode().put("type", "image_url");
        String url = switch (source.path("type").asText()) {
            case "base64" ->
                "data:" + source.path("media_type").asText() + ";base64,"
                        + source.path("data").asText();
            case "url" -> source.path("url").asText();
            default ->
                throw GatewayException.badRequest(
                        "image source type '" + source.path("type").asText()
                                + "' is only supported on Anthropic deployments",
                        "messages");
        };
        part.putObject("image_url").put("url", url);
        return part;
    }

    private static ObjectNode document(JsonNode block) {
        JsonNode source = block.path("source");
        switch (source.path("type").asText()) {
            case "text" -> {
                return F.objectNode()
                        .put("type", "text")
                        .put("text", source.path("data").asText());
            }
            case "base64" -> {
                ObjectNode part = F.objectNode().put("type", "file");
                ObjectNode file = part.putObject("file");
                file.put(
                        "file_data",
                        "data:" + source.path("media_type").asText() + ";base64,"
                                + source.path("data").asText());
                file.put("filename", block.path("title").asText("document.pdf"));
                return part;
            }
            default ->
                throw GatewayException.badRequest(
                        "document source type '" + source.path("type").asText()
                                + "' is only supported on Anthropic deployments",
                        "messages");
        }
    }

    private static void tools(ObjectNode body, ObjectNode out) {
        JsonNode tools = body.get("tools");
        if (tools != null && tools.isArray()) {
            ArrayNode mapped = F.arrayNode();
            for (JsonNode t : tools) {
                if (!t.has("input_schema")) {
                    continue; // a server tool (web search, code execution...): run by Anthropic only
                }
                ObjectNode fn = mapped.addObject().put("type", "function").putObject("function");
                fn.put("name", t.path("name").asText());
                if (t.hasNonNull("description")) {
                    fn.put("description", t.path("description").asText());
                }
                fn.set("parameters", t.get("input_schema"));
            }
            if (!mapped.isEmpty()) {
                out.set("tools", mapped);
            }
        }
        JsonNode choice = body.get("tool_choice");
        if (choice == null || !choice.isObject() || !out.has("tools")) {
            return;
        }
        switch (choice.path("type").asText()) {
            case "any" -> out.put("tool_choice", "required");
            case "none" -> out.put("tool_choice", "none");
            case "tool" ->
                out.putObject("tool_choice")
                        .put("type", "function")
                        .putObject("function")
                        .put("name", choice.path("name").asText());
            default -> out.put("tool_choice", "auto");
        }
        if (choice.path("disable_parallel_tool_use").asBoolean(false)) {
            out.put("parallel_tool_calls", false);
        }
    }

    /** LiteLLM's budgets for the efforts (low 1024, medium 2048, high 4096), read the other way. */
    static String reasoningEffort(JsonNode thinking) {
        if (thinking == null || !"enabled".equals(thinking.path("type").asText())) {
            return null;
        }
        int budget = thinking.path("budget_tokens").asInt(0);
        return budget <= 1024 ? "low" : budget <= 2048 ? "medium" : "high";
    }

    private static void copy(ObjectNode from, String field, ObjectNode to) {
        JsonNode v = from.get(field);
        if (v != null && !v.isNull()) {
            to.set(field, v);
        }
    }
}
