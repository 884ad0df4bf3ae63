package com.acme.mpc.gateway.provider.bedrock;

import com.acme.mpc.gateway.core.GatewayException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** OpenAI {@code tools} / {@code tool_choice} as Converse's {@code toolConfig}. */
final class BedrockToolMapper {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private BedrockToolMapper() {}

    /**
     * {@code toolConfig.tools[].toolSpec} with the JSON schema under {@code inputSchema.json}; {@code tool_choice}
     * auto/required/named map to {@code auto}/{@code any}/{@code tool}. Converse has no "none": the tools are then
     * left out, unless the conversation already holds tool blocks (Converse requires toolConfig for those), in which
     * case the model is left to choose.
     */
    static void mapTools(ObjectNode body, ObjectNode out, boolean historyHasToolBlocks) {
        JsonNode tools = body.get("tools");
        if (tools == null || tools.isNull()) {
            return;
        }
        if (!tools.isArray()) {
            throw GatewayException.badRequest("tools must be a list", "tools");
        }
        if (tools.isEmpty()) {
            return;
        }
        JsonNode choice = body.get("tool_choice");
        boolean none = choice != null && "none".equals(choice.asText());
        if (none && !historyHasToolBlocks) {
            return;
        }
        ArrayNode specs = F.arrayNode();
        for (int i = 0; i < tools.size(); i++) {
            specs.add(toolSpec(tools.get(i), "tools[" + i + "]"));
            if (tools.get(i).path("cache_control").isObject()) {
                specs.add(BedrockMessageMapper.cachePoint()); // the tool definitions up to here are cached
            }
        }
        ObjectNode config = out.putObject("toolConfig");
        config.set("tools", specs);
        ObjectNode toolChoice = none ? null : toolChoice(choice);
        if (toolChoice != null) {
            config.set("toolChoice", toolChoice);
        }
    }

    private static ObjectNode toolSpec(JsonNode tool, String p) {
        if (!"function".equals(tool.path("type").asText("function"))
                || !tool.path("function").isObject()) {
            throw GatewayException.badRequest("only function tools are supported for bedrock models", p + ".type");
        }
        JsonNode fn = tool.get("function");
        String name = fn.path("name").asText("");
        if (name.isEmpty()) {
            throw GatewayException.badRequest("a function tool needs a name", p + ".function.name");
        }
        ObjectNode spec = F.objectNode().put("name", name);
        String description = fn.path("description").asText("");
        if (!description.isEmpty()) {
            spec.put("description", description);
        }
        JsonNode parameters = fn.get("parameters");
        if (parameters != null && !parameters.isNull() && !parameters.isObject()) {
            throw GatewayException.badRequest(
                    "function parameters must be a JSON schema object", p + ".function.parameters");
        }
        spec.putObject("inputSchema")
                .set(
                        "json",
                        parameters == null || parameters.isNull()
                                ? F.objectNode().put("type", "object").set("properties", F.objectNode())
                                : parameters);
        ObjectNode wrapper = F.objectNode();
        wrapper.set("toolSpec", spec);
        return wrapper;
    }

    private static ObjectNode toolChoice(JsonNode choice) {
        if (choice == null || choice.isNull()) {
            return null;
        }
        if (choice.isTextual()) {
            return switch (choice.asText()) {
                case "auto" -> wrap("auto", F.objectNode());
                case "required" -> wrap("any", F.objectNode());
                default ->
                    throw GatewayException.badRequest(
                            "tool_choice must be auto, none, required or a named function", "tool_choice");
            };
        }
        String name = choice.path("function").path("name").asText("");
        if (!choice.isObject() || name.isEmpty()) {
            throw GatewayException.badRequest(
                    "tool_choice must be auto, none, required or a named function", "tool_choice");
        }
        return wrap("tool", F.objectNode().put("name", name));
    }

    private static ObjectNode wrap(String key, ObjectNode value) {
        ObjectNode out = F.objectNode();
        out.set(key, value);
        return out;
    }
}
