package com.acme.mpc.gateway.provider.bedrock;

import com.acme.mpc.gateway.core.GatewayException;
import com.acme.mpc.gateway.core.OpenAiShapes;
import com.acme.mpc.gateway.core.Usage;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Pure translation between an OpenAI chat request/response and Bedrock's Converse API.
 *
 * <p>The outgoing body is built from an allow-list: OpenAI parameters not mapped here (logit_bias, logprobs, user,
 * seed, presence/frequency penalties, stream_options...) are dropped on purpose, because Converse rejects unknown
 * fields. {@code response_format} becomes a forced tool ({@link BedrockJsonMode}). {@code top_k} and an
 * Anthropic-style {@code thinking} object travel in {@code additionalModelRequestFields}, where the model provider
 * reads them.
 */
public final class BedrockMapper {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private BedrockMapper() {}

    public static ObjectNode toConverseRequest(ObjectNode body) {
        JsonNode n = body.get("n");
        if (n != null && !n.isNull() && n.asInt(1) != 1) {
            throw GatewayException.badRequest("bedrock models are served with one choice here; n must be 1", "n");
        }
        for (String param : new String[] {"functions", "function_call"}) {
            if (body.hasNonNull(param)) {
                throw GatewayException.badRequest(
                        param + " is deprecated and not supported for bedrock models; use tools and tool_choice",
                        param);
            }
        }
        ObjectNode out = F.objectNode();
        BedrockMessageMapper.Converted converted = BedrockMessageMapper.convert(body.get("messages"));
        out.set("messages", converted.messages());
        if (!converted.system().isEmpty()) {
            out.set("system", converted.system());
        }
        ObjectNode inference = inferenceConfig(body);
        if (!inference.isEmpty()) {
            out.set("inferenceConfig", inference);
        }
        BedrockToolMapper.mapTools(body, out, hasToolBlocks(converted.messages()));
        BedrockJsonMode.apply(body, out);
        ObjectNode additional = F.objectNode();
        JsonNode topK = body.get("top_k");
        if (topK != null && !topK.isNull()) {
            if (!topK.canConvertToInt() || topK.asInt() < 1) {
                throw GatewayException.badRequest("top_k must be a positive integer", "top_k");
            }
            additional.put("top_k", topK.asInt());
        }
        JsonNode thinking = body.get("thinking");
        if (thinking != null && thinking.isObject()) {
            additional.set("thinking", thinking);
        }
        if (!additional.isEmpty()) {
            out.set("additionalModelRequestFields", additional);
        }
        // Bedrock Guardrails, as LiteLLM passes them: {guardrailIdentifier, guardrailVersion, trace,
        // streamProcessingMode}
        JsonNode guardrail = body.get("guardrailConfig");
        if (guardrail != null && !guardrail.isNull()) {
            if (!guardrail.isObject() || !guardrail.path("guardrailIdentifier").isTextual()) {
                throw GatewayException.badRequest(
                        "guardrailConfig must be an object with guardrailIdentifier and guardrailVersion",
                        "guardrailConfig");
            }
            out.set("guardrailConfig", guardrail);
        }
        return out;
    }

    private static boolean hasToolBlocks(ArrayNode messages) {
        for (JsonNode m : messages) {
            for (JsonNode block : m.path("content")) {
                if (block.has("toolUse") || block.has("toolResult")) {
                    return true;
                }
            }
        }
        return false;
    }

    private static ObjectNode inferenceConfig(ObjectNode body) {
        ObjectNode config = F.objectNode();
        for (String param : new String[] {"max_completion_tokens", "max_tokens"}) {
            JsonNode v = body.get(param);
            if (v != null && !v.isNull()) {
                if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < 1) {
                    throw GatewayException.badRequest(param + " must be a positive integer", param);
                }
                config.put("maxTokens", v.asInt());
                break;
            }
        }
        copyNumber(body, "temperature", config, "temperature");
        copyNumber(body, "top_p", config, "topP");
        JsonNode stop = body.get("stop");
        if (stop != null && !stop.isNull()) {
            ArrayNode stops = config.putArray("stopSequences");
            if (stop.isTextual()) {
                stops.add(stop.asText());
            } else if (stop.isArray()) {
                for (JsonNode s : stop) {
                    if (!s.isTextual()) {
                        throw GatewayException.badRequest("stop must be a string or a list of strings", "stop");
                    }
                    stops.add(s.asText());
                }
            } else {
                throw GatewayException.badRequest("stop must be a string or a list of strings", "stop");
            }
        }
        return config;
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

    /**
     * The translated Converse answer. Converse sends neither an id nor a creation time: the id is derived from the
     * request id, {@code created} is the gateway's clock.
     */
    public static ObjectNode toOpenAiResponse(JsonNode response, String id, long created, String model, String secret) {
        return toOpenAiResponse(response, id, created, model, secret, null);
    }

    /**
     * @param jsonTool the tool that stands for {@code response_format} ({@link BedrockJsonMode#toolName}), whose input
     *     is the answer's content; null when the request asked for no JSON
     */
    public static ObjectNode toOpenAiResponse(
            JsonNode response, String id, long created, String model, String secret, String jsonTool) {
        JsonNode message = response.path("output").path("message");
        if (!message.isObject()) {
            throw BedrockErrors.badResponse("answered without output.message", secret);
        }
        StringBuilder text = new StringBuilder();
        StringBuilder reasoning = new StringBuilder();
        ArrayNode toolCalls = F.arrayNode();
        boolean answeredAsJson = false;
        for (JsonNode block : message.path("content")) {
            if (block.has("toolUse") && !answeredAsJson && isJsonTool(block.get("toolUse"), jsonTool)) {
                // the forced tool's input is the JSON answer; text the model wrote around it is not
                text.setLength(0);
                text.append(block.get("toolUse").path("input").toString());
                answeredAsJson = true;
            } else if (block.has("toolUse")) {
                toolCalls.add(toolCall(
                        block.get("toolUse"), block.get("toolUse").path("input").toString()));
            } else if (block.has("reasoningContent")) {
                reasoning.append(block.path("reasoningContent")
                        .path("reasoningText")
                        .path("text")
                        .asText(""));
            } else if (!answeredAsJson) {
                text.append(block.path("text").asText(""));
            }
        }
        ObjectNode msg = F.objectNode();
        msg.put("role", "assistant");
        if (text.isEmpty() && !toolCalls.isEmpty()) {
            msg.putNull("content");
        } else {
            msg.put("content", text.toString());
        }
        if (!reasoning.isEmpty()) {
            msg.put("reasoning_content", reasoning.toString());
        }
        if (!toolCalls.isEmpty()) {
            msg.set("tool_calls", toolCalls);
        }
        String finish = finishReason(response.path("stopReason").asText(null));
        if (answeredAsJson && toolCalls.isEmpty() && "tool_calls".equals(finish)) {
            finish = "stop"; // the client asked for JSON, not for a tool call
        }
        return OpenAiShapes.completion(
                id, created, model, msg, finish == null ? "stop" : finish, usage(response.path("usage")));
    }

    static boolean isJsonTool(JsonNode toolUse, String jsonTool) {
        return jsonTool != null && jsonTool.equals(toolUse.path("name").asText());
    }

    static ObjectNode toolCall(JsonNode toolUse, String arguments) {
        ObjectNode call = F.objectNode();
        call.put("id", toolUse.path("toolUseId").asText());
        call.put("type", "function");
        call.putObject("function").put("name", toolUse.path("name").asText()).put("arguments", arguments);
        return call;
    }

    /** Converse's stopReason as an OpenAI finish_reason; guardrail and content-filter stops are content_filter. */
    static String finishReason(String reason) {
        if (reason == null || reason.isEmpty()) {
            return null;
        }
        return switch (reason) {
            case "end_turn", "stop_sequence" -> "stop";
            case "tool_use" -> "tool_calls";
            case "max_tokens", "model_context_window_exceeded" -> "length";
            case "guardrail_intervened", "content_filtered" -> "content_filter";
            default -> "stop";
        };
    }

    /**
     * Converse counts cache reads and writes outside {@code inputTokens} (as Anthropic does); OpenAI's prompt_tokens
     * include them.
     */
    static Usage usage(JsonNode u) {
        long cacheRead = u.path("cacheReadInputTokens").asLong(0);
        long cacheWrite = u.path("cacheWriteInputTokens").asLong(0);
        return new Usage(
                u.path("inputTokens").asLong(0) + cacheRead + cacheWrite,
                u.path("outputTokens").asLong(0),
                cacheRead,
                cacheWrite,
                0);
    }
}
