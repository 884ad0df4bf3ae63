package com.acme.mpc.gateway.provider.gemini;

import com.acme.mpc.gateway.core.GatewayException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;

/** OpenAI tools, tool_choice and response_format in Gemini's terms. */
final class GeminiToolMapper {
    /** Gemini's built-in tools, accepted in their native shape ({@code {"googleSearch":{}}}) as LiteLLM does. */
    private static final Set<String> NATIVE_TOOLS =
            Set.of("googleSearch", "googleSearchRetrieval", "codeExecution", "urlContext");

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private GeminiToolMapper() {}

    static void mapTools(ObjectNode body, ObjectNode out) {
        JsonNode tools = body.get("tools");
        if (tools == null || tools.isNull()) {
            return;
        }
        if (!tools.isArray()) {
            throw GatewayException.badRequest("tools must be a list", "tools");
        }
        ArrayNode declarations = F.arrayNode();
        ArrayNode geminiTools = F.arrayNode();
        for (int i = 0; i < tools.size(); i++) {
            JsonNode tool = tools.get(i);
            String p = "tools[" + i + "]";
            String nativeName = nativeToolName(tool);
            if (nativeName != null) {
                geminiTools.addObject().set(nativeName, tool.get(nativeName));
                continue;
            }
            if (!"function".equals(tool.path("type").asText("function"))) {
                throw GatewayException.badRequest(
                        "tool type '" + tool.path("type").asText() + "' is not supported for gemini models",
                        p + ".type");
            }
            declarations.add(declaration(tool.path("function"), p));
        }
        if (!declarations.isEmpty()) {
            geminiTools.insertObject(0).set("functionDeclarations", declarations);
        }
        if (geminiTools.isEmpty()) {
            return; // tool_choice means nothing without tools
        }
        out.set("tools", geminiTools);
        ObjectNode config = functionCallingConfig(body.get("tool_choice"));
        if (config != null && !declarations.isEmpty()) {
            out.putObject("toolConfig").set("functionCallingConfig", config);
        }
    }

    private static String nativeToolName(JsonNode tool) {
        if (tool.isObject() && tool.size() == 1) {
            String name = tool.fieldNames().next();
            return NATIVE_TOOLS.contains(name) ? name : null;
        }
        return null;
    }

    private static ObjectNode declaration(JsonNode fn, String p) {
        String name = fn.path("name").asText("");
        if (name.isEmpty()) {
            throw GatewayException.badRequest(p + ".function.name is required", p + ".function.name");
        }
        ObjectNode out = F.objectNode();
        out.put("name", name);
        if (fn.hasNonNull("description")) {
            out.put("description", fn.path("description").asText());
        }
        JsonNode params = fn.get("parameters");
        if (params != null && params.isObject() && !isEmptyObjectSchema(params)) {
            // parametersJsonSchema takes the JSON Schema as OpenAI clients write it (additionalProperties, $defs...),
            // where the older "parameters" field accepts only an OpenAPI subset and rejects those keywords.
            out.set("parametersJsonSchema", params);
        }
        return out;
    }

    /** Gemini rejects an object schema without properties; a function without parameters simply omits it. */
    private static boolean isEmptyObjectSchema(JsonNode schema) {
        return "object".equals(schema.path("type").asText())
                && (schema.path("properties").isMissingNode()
                        || schema.path("properties").isEmpty());
    }

    private static ObjectNode functionCallingConfig(JsonNode choice) {
        if (choice == null || choice.isNull()) {
            return null;
        }
        if (choice.isTextual()) {
            return switch (choice.asText()) {
                case "auto" -> F.objectNode().put("mode", "AUTO");
                case "required" -> F.objectNode().put("mode", "ANY");
                case "none" -> F.objectNode().put("mode", "NONE");
                default ->
                    throw GatewayException.badRequest(
                            "tool_choice must be auto, required, none or a function", "tool_choice");
            };
        }
        if ("function".equals(choice.path("type").asText())) {
            String name = choice.path("function").path("name").asText("");
            if (name.isEmpty()) {
                throw GatewayException.badRequest("tool_choice.function.name is required", "tool_choice");
            }
            ObjectNode config = F.objectNode().put("mode", "ANY");
            config.putArray("allowedFunctionNames").add(name);
            return config;
        }
        throw GatewayException.badRequest("tool_choice must be auto, required, none or a function", "tool_choice");
    }

    /**
     * JSON mode: {@code json_object} asks for a JSON answer, {@code json_schema} also constrains it with the schema
     * (as {@code responseJsonSchema}, which accepts standard JSON Schema).
     */
    static void mapResponseFormat(JsonNode format, ObjectNode generationConfig) {
        if (format == null || !format.isObject()) {
            return;
        }
        switch (format.path("type").asText("")) {
            case "json_object" -> generationConfig.put("responseMimeType", "application/json");
            case "json_schema" -> {
                generationConfig.put("responseMimeType", "application/json");
                JsonNode schema = format.path("json_schema").get("schema");
                if (schema != null && schema.isObject()) {
                    generationConfig.set("responseJsonSchema", schema);
                }
            }
            case "text", "" -> {
                // plain text is Gemini's default
            }
            default ->
                throw GatewayException.badRequest(
                        "unsupported response_format type '"
                                + format.path("type").asText() + "'",
                        "response_format");
        }
    }
}
