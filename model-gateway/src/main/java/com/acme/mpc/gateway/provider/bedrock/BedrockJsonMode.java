package com.acme.mpc.gateway.provider.bedrock;

import com.acme.mpc.gateway.core.GatewayException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * OpenAI's {@code response_format} on Converse, which has no JSON mode: as LiteLLM does it, the request gets one more
 * tool whose input schema is the wanted schema and a {@code toolChoice} forcing it, and the input the model passes to
 * that tool comes back as the message content. The tool is named after {@code json_schema.name} (LiteLLM's
 * {@code json_tool_call} when there is none, and for {@code json_object}, whose schema is any object).
 */
final class BedrockJsonMode {
    static final String DEFAULT_TOOL = "json_tool_call";
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private BedrockJsonMode() {}

    /** The forced tool's name, or null when the request asks for no JSON ({@code response_format} absent or text). */
    static String toolName(JsonNode body) {
        JsonNode format = body.get("response_format");
        if (format == null || format.isNull()) {
            return null;
        }
        if (!format.isObject()) {
            throw invalid("response_format must be an object with a type");
        }
        return switch (format.path("type").asText("")) {
            case "text" -> null;
            case "json_object" -> DEFAULT_TOOL;
            case "json_schema" -> {
                JsonNode spec = format.get("json_schema");
                if (spec == null || !spec.isObject()) {
                    throw invalid("response_format of type json_schema needs a json_schema object");
                }
                String name = spec.path("name").asText("");
                yield name.isEmpty() ? DEFAULT_TOOL : name;
            }
            default -> throw invalid("response_format.type must be text, json_object or json_schema");
        };
    }

    /** Adds the forced tool to the Converse request; a no-op when {@link #toolName} is null. */
    static void apply(JsonNode body, ObjectNode out) {
        String name = toolName(body);
        if (name == null) {
            return;
        }
        JsonNode format = body.get("response_format");
        JsonNode spec = format.path("json_schema");
        JsonNode schema = spec.get("schema");
        if (schema != null && !schema.isNull() && !schema.isObject()) {
            throw GatewayException.badRequest(
                    "response_format.json_schema.schema must be a JSON schema object",
                    "response_format.json_schema.schema");
        }
        if (schema == null || schema.isNull()) {
            // any object; Anthropic models refuse a schema without properties
            schema = F.objectNode()
                    .put("type", "object")
                    .put("additionalProperties", true)
                    .set("properties", F.objectNode());
        }
        ObjectNode toolSpec = F.objectNode().put("name", name);
        String description = spec.path("description").asText("");
        if (!description.isEmpty()) {
            toolSpec.put("description", description);
        }
        toolSpec.putObject("inputSchema").set("json", schema);
        ObjectNode config = out.has("toolConfig") ? (ObjectNode) out.get("toolConfig") : out.putObject("toolConfig");
        ArrayNode tools = config.has("tools") ? (ArrayNode) config.get("tools") : config.putArray("tools");
        tools.addObject().set("toolSpec", toolSpec);
        config.putObject("toolChoice").putObject("tool").put("name", name);
    }

    private static GatewayException invalid(String message) {
        return GatewayException.badRequest(message, "response_format");
    }
}
