package com.acme.mpc.gateway.surface.responses;

import com.acme.mpc.gateway.core.GatewayException;
import com.acme.mpc.gateway.core.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A Responses request as a canonical chat request, for providers without the Responses API: {@code instructions} as
 * the system message, the conversation items (messages, function calls and their outputs, images) as chat messages,
 * function tools and {@code tool_choice}, {@code max_output_tokens}, sampling, {@code text.format} as
 * {@code response_format} and {@code reasoning.effort} as {@code reasoning_effort}. What chat cannot express (hosted
 * tools, files by id, item references) is a 400 naming it.
 */
final class ResponsesToChat {
    private ResponsesToChat() {}

    /** The request's {@code input} as items with ids (a string is one user message). */
    static ArrayNode inputItems(ObjectNode body) {
        ArrayNode out = Json.MAPPER.createArrayNode();
        JsonNode input = body.get("input");
        if (input == null || input.isNull()) {
            return out;
        }
        if (input.isTextual()) {
            ObjectNode m = out.addObject();
            m.put("id", ResponsesCall.newId("msg_"));
            m.put("type", "message");
            m.put("role", "user");
            m.putArray("content").addObject().put("type", "input_text").put("text", input.asText());
            return out;
        }
        for (JsonNode item : input) {
            ObjectNode copy = ((ObjectNode) item).deepCopy();
            if (!copy.has("type")) {
                copy.put("type", "message");
            }
            if (!copy.hasNonNull("id")) {
                String prefix = switch (copy.path("type").asText()) {
                    case "function_call" -> "fc_";
                    case "function_call_output" -> "fco_";
                    default -> "msg_";
                };
                copy.put("id", ResponsesCall.newId(prefix));
            }
            out.add(copy);
        }
        return out;
    }

    /** The chat body for {@code body}, whose conversation is {@code items} (earlier turns, then this input). */
    static ObjectNode convert(ObjectNode body, ArrayNode items) {
        ObjectNode chat = Json.MAPPER.createObjectNode();
        chat.put("model", body.path("model").asText());
        ArrayNode messages = chat.putArray("messages");
        String instructions = body.path("instructions").asText(null);
        if (instructions != null && !instructions.isEmpty()) {
            messages.addObject().put("role", "system").put("content", instructions);
        }
        ObjectNode pendingAssistant = null;
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i);
            String type = item.path("type").asText("message");
            switch (type) {
                case "message" -> {
                    ObjectNode m = message(item, i);
                    messages.add(m);
                    pendingAssistant = "assistant".equals(m.path("role").asText()) ? m : null;
                }
                case "function_call" -> {
                    if (pendingAssistant == null) {
                        pendingAssistant = messages.addObject().put("role", "assistant");
                        pendingAssistant.putNull("content");
                    }
                    ObjectNode call = pendingAssistant.withArray("tool_calls").addObject();
                    call.put("id", item.path("call_id").asText());
                    call.put("type", "function");
                    call.putObject("function")
                            .put("name", item.path("name").asText())
                            .put("arguments", item.path("arguments").asText("{}"));
                }
                case "function_call_output" -> {
                    pendingAssistant = null;
                    messages.addObject()
                            .put("role", "tool")
                            .put("tool_call_id", item.path("call_id").asText())
                            .put("content", outputText(item.get("output")));
                }
                case "reasoning" -> {
                    // a reasoning model's summary of an earlier turn: chat has no place for it
                }
                default ->
                    throw GatewayException.badRequest(
                            "input[" + i + "]: items of type '" + type + "' are not supported by model '"
                                    + body.path("model").asText() + "' (it is reached through chat completions)",
                            "input");
            }
        }
        if (messages.isEmpty()) {
            throw GatewayException.badRequest("input is required", "input");
        }
        tools(body, chat);
        copy(body, chat, "temperature", "temperature");
        copy(body, chat, "top_p", "top_p");
        copy(body, chat, "max_output_tokens", "max_tokens");
        copy(body, chat, "parallel_tool_calls", "parallel_tool_calls");
        copy(body, chat, "user", "user");
        if (body.path("stream").asBoolean(false)) {
            chat.put("stream", true);
        }
        JsonNode format = body.path("text").path("format");
        switch (format.path("type").asText("text")) {
            case "json_schema" -> {
                ObjectNode rf = chat.putObject("response_format").put("type", "json_schema");
                ObjectNode schema = rf.putObject("json_schema");
                schema.put("name", format.path("name").asText("response"));
                if (format.has("description")) {
                    schema.set("description", format.get("description"));
                }
                if (format.has("schema")) {
                    schema.set("schema", format.get("schema"));
                }
                if (format.has("strict")) {
                    schema.set("strict", format.get("strict"));
                }
            }
            case "json_object" -> chat.putObject("response_format").put("type", "json_object");
            default -> {}
        }
        String effort = body.path("reasoning").path("effort").asText(null);
        if (effort != null) {
            chat.put("reasoning_effort", effort);
        }
        return chat;
    }

    private static ObjectNode message(JsonNode item, int i) {
        String role = item.path("role").asText();
        ObjectNode m = Json.MAPPER.createObjectNode();
        m.put(
                "role",
                switch (role) {
                    case "developer", "system" -> "system";
                    case "assistant" -> "assistant";
                    case "user" -> "user";
                    default ->
                        throw GatewayException.badRequest(
                                "input[" + i + "].role must be user, assistant, system or developer", "input");
                });
        JsonNode content = item.get("content");
        if (content.isTextual()) {
            m.put("content", content.asText());
            return m;
        }
        boolean onlyText = true;
        for (JsonNode part : content) {
            String t = part.path("type").asText();
            if (!t.equals("input_text") && !t.equals("output_text") && !t.equals("refusal")) {
                onlyText = false;
            }
        }
        if (onlyText) {
            StringBuilder text = new StringBuilder();
            for (JsonNode part : content) {
                text.append(part.path("text").asText(part.path("refusal").asText("")));
            }
            m.put("content", text.toString());
            return m;
        }
        ArrayNode parts = m.putArray("content");
        for (int j = 0; j < content.size(); j++) {
            JsonNode part = content.get(j);
            switch (part.path("type").asText()) {
                case "input_text", "output_text" ->
                    parts.addObject()
                            .put("type", "text")
                            .put("text", part.path("text").asText(""));
                case "input_image" -> {
                    String url = part.path("image_url").asText(null);
                    if (url == null) {
                        throw GatewayException.badRequest(
                                "input[" + i + "].content[" + j + "]: images by file_id are not supported here;"
                                        + " send image_url (https or data URL)",
                                "input");
                    }
                    ObjectNode image =
                            parts.addObject().put("type", "image_url").putObject("image_url");
                    image.put("url", url);
                    if (part.hasNonNull("detail")) {
                        image.set("detail", part.get("detail"));
                    }
                }
                default ->
                    throw GatewayException.badRequest(
                            "input[" + i + "].content[" + j + "]: content of type '"
                                    + part.path("type").asText() + "' is not supported here",
                            "input");
            }
        }
        return m;
    }

    private static String outputText(JsonNode output) {
        if (output.isTextual()) {
            return output.asText();
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode part : output) {
            text.append(part.path("text").asText(""));
        }
        return text.toString();
    }

    private static void tools(ObjectNode body, ObjectNode chat) {
        JsonNode tools = body.get("tools");
        if (tools != null && tools.isArray() && !tools.isEmpty()) {
            ArrayNode out = chat.putArray("tools");
            for (int i = 0; i < tools.size(); i++) {
                JsonNode t = tools.get(i);
                if (!"function".equals(t.path("type").asText())) {
                    throw GatewayException.badRequest(
                            "tools[" + i + "]: tools of type '" + t.path("type").asText()
                                    + "' are not supported by model '"
                                    + body.path("model").asText()
                                    + "' (only function tools are, through chat completions)",
                            "tools");
                }
                ObjectNode f = out.addObject().put("type", "function").putObject("function");
                f.put("name", t.path("name").asText());
                if (t.hasNonNull("description")) {
                    f.set("description", t.get("description"));
                }
                if (t.hasNonNull("parameters")) {
                    f.set("parameters", t.get("parameters"));
                }
                if (t.hasNonNull("strict")) {
                    f.set("strict", t.get("strict"));
                }
            }
        }
        JsonNode choice = body.get("tool_choice");
        if (choice == null || choice.isNull()) {
            return;
        }
        if (choice.isTextual()) {
            chat.put("tool_choice", choice.asText());
        } else if ("function".equals(choice.path("type").asText())) {
            chat.putObject("tool_choice")
                    .put("type", "function")
                    .putObject("function")
                    .put("name", choice.path("name").asText());
        } else {
            throw GatewayException.badRequest(
                    "tool_choice of type '" + choice.path("type").asText() + "' is not supported here", "tool_choice");
        }
    }

    private static void copy(ObjectNode from, ObjectNode to, String field, String as) {
        JsonNode v = from.get(field);
        if (v != null && !v.isNull()) {
            to.set(as, v);
        }
    }
}
