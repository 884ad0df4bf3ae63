package com.acme.mpc.gateway.provider.cohere;

import com.acme.mpc.gateway.core.GatewayException;
import com.acme.mpc.gateway.core.OpenAiShapes;
import com.acme.mpc.gateway.core.Usage;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Pure translation between an OpenAI chat request/response and Cohere's {@code POST /v2/chat}. Cohere's v2 messages
 * are close to OpenAI's (system/user/assistant/tool roles, {@code tool_calls} with JSON-string arguments); parameters
 * are renamed ({@code top_p} to {@code p}, {@code stop} to {@code stop_sequences}), and the body is built from an
 * allow-list because Cohere rejects unknown fields.
 */
public final class CohereMapper {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private CohereMapper() {}

    public static ObjectNode toCohereRequest(ObjectNode body, String model, boolean stream) {
        JsonNode n = body.get("n");
        if (n != null && !n.isNull() && n.asInt(1) != 1) {
            throw GatewayException.badRequest("cohere models are served with one choice here; n must be 1", "n");
        }
        ObjectNode out = F.objectNode();
        out.put("model", model);
        out.set("messages", messages(body.get("messages")));
        if (stream) {
            out.put("stream", true);
        }
        JsonNode tools = body.get("tools");
        if (tools != null && tools.isArray() && !tools.isEmpty()) {
            ArrayNode list = out.putArray("tools");
            for (int i = 0; i < tools.size(); i++) {
                JsonNode t = tools.get(i);
                if (!"function".equals(t.path("type").asText("function"))
                        || !t.path("function").isObject()) {
                    throw GatewayException.badRequest(
                            "only function tools are supported for cohere models", "tools[" + i + "]");
                }
                ObjectNode tool = list.addObject().put("type", "function");
                ObjectNode fn = t.get("function").deepCopy();
                fn.remove("strict");
                tool.set("function", fn);
            }
            JsonNode choice = body.get("tool_choice");
            if (choice != null && choice.isTextual()) {
                switch (choice.asText()) {
                    case "required" -> out.put("tool_choice", "REQUIRED");
                    case "none" -> out.put("tool_choice", "NONE");
                    case "auto" -> {
                        // Cohere's default
                    }
                    default ->
                        throw GatewayException.badRequest("tool_choice must be auto, none or required", "tool_choice");
                }
            } else if (choice != null && choice.isObject()) {
                throw GatewayException.badRequest(
                        "cohere models cannot be forced to one named tool; use tool_choice \"required\"",
                        "tool_choice");
            }
        }
        for (String param : new String[] {"max_completion_tokens", "max_tokens"}) {
            JsonNode v = body.get(param);
            if (v != null && !v.isNull()) {
                if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < 1) {
                    throw GatewayException.badRequest(param + " must be a positive integer", param);
                }
                out.put("max_tokens", v.asInt());
                break;
            }
        }
        copyNumber(body, "temperature", out, "temperature");
        copyNumber(body, "top_p", out, "p");
        copyNumber(body, "top_k", out, "k");
        copyNumber(body, "seed", out, "seed");
        copyNumber(body, "frequency_penalty", out, "frequency_penalty");
        copyNumber(body, "presence_penalty", out, "presence_penalty");
        JsonNode stop = body.get("stop");
        if (stop != null && !stop.isNull()) {
            ArrayNode stops = out.putArray("stop_sequences");
            if (stop.isTextual()) {
                stops.add(stop.asText());
            } else if (stop.isArray()) {
                stop.forEach(s -> stops.add(s.asText()));
            } else {
                throw GatewayException.badRequest("stop must be a string or a list of strings", "stop");
            }
        }
        JsonNode format = body.get("response_format");
        if (format != null && format.isObject()) {
            switch (format.path("type").asText("")) {
                case "json_object" -> out.putObject("response_format").put("type", "json_object");
                case "json_schema" ->
                    out.putObject("response_format")
                            .put("type", "json_object")
                            .set("json_schema", format.path("json_schema").path("schema"));
                default -> {
                    // "text" is Cohere's default
                }
            }
        }
        return out;
    }

    /** OpenAI messages as Cohere v2 messages: same roles; content parts keep only text and image_url. */
    private static ArrayNode messages(JsonNode messages) {
        if (messages == null || !messages.isArray() || messages.isEmpty()) {
            throw GatewayException.badRequest("messages must be a non-empty list", "messages");
        }
        ArrayNode out = F.arrayNode();
        for (int i = 0; i < messages.size(); i++) {
            JsonNode m = messages.get(i);
            String p = "messages[" + i + "]";
            String role = m.path("role").asText("");
            ObjectNode msg = out.addObject();
            switch (role) {
                case "system", "developer" -> {
                    msg.put("role", "system");
                    msg.set("content", content(m.get("content"), p, false));
                }
                case "user" -> {
                    msg.put("role", "user");
                    msg.set("content", content(m.get("content"), p, true));
                }
                case "assistant" -> {
                    msg.put("role", "assistant");
                    JsonNode content = m.get("content");
                    if (content != null
                            && !content.isNull()
                            && !(content.isTextual() && content.asText().isEmpty())) {
                        msg.set("content", content(content, p, false));
                    }
                    JsonNode calls = m.get("tool_calls");
                    if (calls != null && calls.isArray() && !calls.isEmpty()) {
                        ArrayNode list = msg.putArray("tool_calls");
                        for (JsonNode c : calls) {
                            ObjectNode call = list.addObject()
                                    .put("id", c.path("id").asText())
                                    .put("type", "function");
                            JsonNode args = c.path("function").get("arguments");
                            call.putObject("function")
                                    .put("name", c.path("function").path("name").asText())
                                    .put(
                                            "arguments",
                                            args == null || args.isNull()
                                                    ? "{}"
                                                    : args.isTextual() ? args.asText() : args.toString());
                        }
                    }
                }
                case "tool" -> {
                    String id = m.path("tool_call_id").asText("");
                    if (id.isEmpty()) {
                        throw GatewayException.badRequest("tool messages need a tool_call_id", p + ".tool_call_id");
                    }
                    msg.put("role", "tool");
                    msg.put("tool_call_id", id);
                    msg.set("content", content(m.get("content"), p, false));
                }
                default ->
                    throw GatewayException.badRequest(
                            "unsupported message role '" + role + "' for a cohere model", p + ".role");
            }
        }
        return out;
    }

    private static JsonNode content(JsonNode content, String p, boolean images) {
        if (content == null || content.isNull()) {
            return F.textNode("");
        }
        if (content.isTextual()) {
            return content;
        }
        if (!content.isArray()) {
            throw GatewayException.badRequest("content must be a string or a list of parts", p + ".content");
        }
        ArrayNode parts = F.arrayNode();
        for (int j = 0; j < content.size(); j++) {
            JsonNode part = content.get(j);
            String type = part.path("type").asText("");
            if (type.equals("text")) {
                parts.addObject()
                        .put("type", "text")
                        .put("text", part.path("text").asText(""));
            } else if (type.equals("image_url") && images) {
                parts.addObject().put("type", "image_url").set("image_url", part.get("image_url"));
            } else {
                throw GatewayException.badRequest(
                        "content part type '" + type + "' is not supported here for cohere models",
                        p + ".content[" + j + "].type");
            }
        }
        return parts;
    }

    private static void copyNumber(ObjectNode from, String field, ObjectNode to, String as) {
        JsonNode v = from.get(field);
        if (v == null || v.isNull()) {
            return;
        }
        if (!v.isNumber()) {
            throw GatewayException.badRequest(field + " must be a number", field);
        }
        to.set(as, v);
    }

    public static ObjectNode toOpenAiResponse(JsonNode response, long created, String model, String apiKey) {
        JsonNode message = response.path("message");
        if (!message.isObject()) {
            throw CohereErrors.badResponse("answered without a message", apiKey);
        }
        StringBuilder text = new StringBuilder();
        StringBuilder thinking = new StringBuilder();
        for (JsonNode c : message.path("content")) {
            if ("thinking".equals(c.path("type").asText())) {
                thinking.append(c.path("thinking").asText(""));
            } else {
                text.append(c.path("text").asText(""));
            }
        }
        ArrayNode calls = F.arrayNode();
        for (JsonNode c : message.path("tool_calls")) {
            calls.add(toolCall(c));
        }
        ObjectNode msg = F.objectNode().put("role", "assistant");
        if (text.isEmpty() && !calls.isEmpty()) {
            msg.putNull("content");
        } else {
            msg.put("content", text.toString());
        }
        if (!thinking.isEmpty()) {
            msg.put("reasoning_content", thinking.toString());
        }
        if (!calls.isEmpty()) {
            msg.set("tool_calls", calls);
        }
        String finish = finishReason(response.path("finish_reason").asText(null));
        return OpenAiShapes.completion(
                response.path("id").asText("chatcmpl-cohere"),
                created,
                model,
                msg,
                finish == null ? "stop" : finish,
                usage(response.path("usage")));
    }

    static ObjectNode toolCall(JsonNode c) {
        ObjectNode call = F.objectNode().put("id", c.path("id").asText()).put("type", "function");
        call.putObject("function")
                .put("name", c.path("function").path("name").asText())
                .put("arguments", c.path("function").path("arguments").asText(""));
        return call;
    }

    static String finishReason(String reason) {
        if (reason == null || reason.isEmpty()) {
            return null;
        }
        return switch (reason) {
            case "TOOL_CALL" -> "tool_calls";
            case "MAX_TOKENS" -> "length";
            default -> "stop"; // COMPLETE, STOP_SEQUENCE; ERROR and TIMEOUT end the answer too
        };
    }

    /** What Cohere bills ({@code billed_units}), else the raw token counts. */
    static Usage usage(JsonNode u) {
        JsonNode counts = u.path("billed_units").isObject() ? u.path("billed_units") : u.path("tokens");
        return new Usage(
                counts.path("input_tokens").asLong(0),
                counts.path("output_tokens").asLong(0),
                u.path("cached_tokens").asLong(0),
                0,
                0);
    }
}
