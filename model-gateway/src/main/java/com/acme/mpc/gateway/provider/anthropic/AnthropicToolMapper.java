package com.acme.mpc.gateway.provider.anthropic;

import com.acme.mpc.gateway.core.GatewayException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** OpenAI tools, tool_choice and response_format in Anthropic's terms. */
final class AnthropicToolMapper {
    /**
     * The forced tool that carries a JSON-mode answer. Same name as LiteLLM's, so clients that learned its behaviour
     * see the same thing.
     */
    static final String JSON_TOOL_NAME = "json_tool_call";

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private AnthropicToolMapper() {}

    static void mapTools(ObjectNode body, ObjectNode out) {
        ArrayNode tools = F.arrayNode();
        JsonNode openAiTools = body.get("tools");
        if (openAiTools != null && !openAiTools.isNull()) {
            if (!openAiTools.isArray()) {
                throw GatewayException.badRequest("tools must be a list", "tools");
            }
            for (int i = 0; i < openAiTools.size(); i++) {
                tools.add(tool(openAiTools.get(i), "tools[" + i + "]"));
            }
        }
        if (tools.isEmpty()) {
            // tool_choice and parallel_tool_calls mean nothing without tools, and Anthropic rejects a tool_choice
            // that names no available tool.
            return;
        }
        out.set("tools", tools);
        ObjectNode choice = toolChoice(body.get("tool_choice"));
        if (body.path("parallel_tool_calls").isBoolean()
                && !body.path("parallel_tool_calls").asBoolean()
                && !"none".equals(choice == null ? null : choice.path("type").asText())) {
            if (choice == null) {
                choice = F.objectNode().put("type", "auto");
            }
            choice.put("disable_parallel_tool_use", true);
        }
        if (choice != null) {
            out.set("tool_choice", choice);
        }
    }

    private static ObjectNode tool(JsonNode tool, String param) {
        String type = tool.path("type").asText("function");
        if (!"function".equals(type)) {
            // Anthropic server tools (web_search_20250305, bash_20250124...) are sent in their native shape.
            return tool.deepCopy();
        }
        JsonNode fn = tool.path("function");
        String name = fn.path("name").asText("");
        if (name.isEmpty()) {
            throw GatewayException.badRequest(param + ".function.name is required", param + ".function.name");
        }
        ObjectNode out = F.objectNode();
        out.put("name", name);
        if (fn.hasNonNull("description")) {
            out.put("description", fn.path("description").asText());
        }
        JsonNode params = fn.get("parameters");
        // OpenAI allows a function without parameters; Anthropic requires an object schema.
        out.set(
                "input_schema",
                params != null && params.isObject()
                        ? params
                        : F.objectNode().put("type", "object").set("properties", F.objectNode()));
        if (tool.has("cache_control")) {
            out.set("cache_control", tool.get("cache_control"));
        }
        return out;
    }

    private static ObjectNode toolChoice(JsonNode choice) {
        if (choice == null || choice.isNull()) {
            return null;
        }
        if (choice.isTextual()) {
            return switch (choice.asText()) {
                case "auto" -> F.objectNode().put("type", "auto");
                case "required" -> F.objectNode().put("type", "any");
                case "none" -> F.objectNode().put("type", "none");
                default ->
                    throw GatewayException.badRequest(
                            "tool_choice must be auto, required, none or a function", "tool_choice");
            };
        }
        String type = choice.path("type").asText("");
        if ("function".equals(type)) {
            String name = choice.path("function").path("name").asText("");
            if (name.isEmpty()) {
                throw GatewayException.badRequest("tool_choice.function.name is required", "tool_choice");
            }
            return F.objectNode().put("type", "tool").put("name", name);
        }
        if (type.equals("auto") || type.equals("any") || type.equals("tool") || type.equals("none")) {
            return choice.deepCopy(); // already Anthropic-shaped
        }
        throw GatewayException.badRequest("unsupported tool_choice type '" + type + "'", "tool_choice");
    }

    /**
     * JSON mode the way LiteLLM does it for Anthropic: one forced tool whose input schema is the requested schema;
     * its input becomes the message content on the way back. Anthropic's native structured outputs are still a beta
     * limited to some models, so the tool route is the portable one. When the client also sends tools, its tools win
     * and response_format is dropped: forcing the JSON tool would make the client's tools unusable.
     */
    static void mapResponseFormat(JsonNode format, ObjectNode out) {
        if (format == null || !format.isObject() || out.has("tools")) {
            return;
        }
        JsonNode schema;
        switch (format.path("type").asText("")) {
            case "json_object" -> schema = null;
            case "json_schema" -> schema = format.path("json_schema").get("schema");
            case "text", "" -> {
                return;
            }
            default ->
                throw GatewayException.badRequest(
                        "unsupported response_format type '"
                                + format.path("type").asText() + "'",
                        "response_format");
        }
        ObjectNode tool = out.putArray("tools").addObject();
        tool.put("name", JSON_TOOL_NAME);
        tool.put("description", "Respond with a JSON object.");
        tool.set(
                "input_schema",
                schema != null && schema.isObject() ? schema : F.objectNode().put("type", "object"));
        boolean thinking = out.has("thinking")
                && !"disabled".equals(out.path("thinking").path("type").asText());
        if (thinking) {
            // Anthropic refuses a forced tool_choice together with extended thinking; "any" is refused too, so the
            // model is only offered the tool (best effort: it may still answer in plain text).
            out.putObject("tool_choice").put("type", "auto");
        } else {
            out.putObject("tool_choice").put("type", "tool").put("name", JSON_TOOL_NAME);
        }
    }

    /** True when the answer's only tool use is the JSON-mode tool, i.e. it is the JSON answer itself. */
    static boolean isJsonToolOnly(JsonNode content) {
        boolean json = false;
        for (JsonNode block : content) {
            if ("tool_use".equals(block.path("type").asText())) {
                if (!JSON_TOOL_NAME.equals(block.path("name").asText())) {
                    return false;
                }
                json = true;
            }
        }
        return json;
    }
}
