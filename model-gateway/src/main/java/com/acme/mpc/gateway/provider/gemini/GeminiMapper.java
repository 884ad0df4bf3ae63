package com.acme.mpc.gateway.provider.gemini;

import com.acme.mpc.gateway.core.GatewayException;
import com.acme.mpc.gateway.core.OpenAiShapes;
import com.acme.mpc.gateway.core.Usage;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Pure translation between an OpenAI chat request/response and Gemini's {@code generateContent}.
 *
 * <p>The outgoing body is built from an allow-list: OpenAI or gateway parameters not mapped here (logit_bias,
 * logprobs, user, stream_options, service_tier, store...) are dropped on purpose, because Gemini rejects unknown
 * fields and the deployment's extra {@code litellm_params} (credentials included) are merged into the same body.
 */
public final class GeminiMapper {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private GeminiMapper() {}

    public static ObjectNode toGeminiRequest(ObjectNode body) {
        JsonNode n = body.get("n");
        if (n != null && !n.isNull() && n.asInt(1) != 1) {
            throw GatewayException.badRequest("gemini models are served with one choice here; n must be 1", "n");
        }
        for (String param : new String[] {"functions", "function_call"}) {
            if (body.hasNonNull(param)) {
                throw GatewayException.badRequest(
                        param + " is deprecated and not supported for gemini models; use tools and tool_choice", param);
            }
        }
        ObjectNode out = F.objectNode();
        GeminiContentMapper.Converted converted = GeminiContentMapper.convert(body.get("messages"));
        out.set("contents", converted.contents());
        if (converted.systemInstruction() != null) {
            out.set("systemInstruction", converted.systemInstruction());
        }
        GeminiToolMapper.mapTools(body, out);
        JsonNode safety = body.get("safety_settings");
        if (safety != null && !safety.isNull()) {
            if (!safety.isArray()) {
                throw GatewayException.badRequest(
                        "safety_settings must be a list of {category, threshold}", "safety_settings");
            }
            out.set("safetySettings", safety);
        }
        ObjectNode config = generationConfig(body);
        if (!config.isEmpty()) {
            out.set("generationConfig", config);
        }
        JsonNode cached = body.get("cached_content");
        if (cached != null && cached.isTextual()) {
            out.put("cachedContent", cached.asText());
        }
        return out;
    }

    private static ObjectNode generationConfig(ObjectNode body) {
        ObjectNode config = F.objectNode();
        copyNumber(body, "temperature", config, "temperature");
        copyNumber(body, "top_p", config, "topP");
        copyNumber(body, "top_k", config, "topK");
        copyNumber(body, "presence_penalty", config, "presencePenalty");
        copyNumber(body, "frequency_penalty", config, "frequencyPenalty");
        copyNumber(body, "seed", config, "seed");
        Integer max = maxTokens(body);
        if (max != null) {
            config.put("maxOutputTokens", max);
        }
        ArrayNode stops = stopSequences(body.get("stop"));
        if (!stops.isEmpty()) {
            config.set("stopSequences", stops);
        }
        GeminiToolMapper.mapResponseFormat(body.get("response_format"), config);
        ObjectNode thinking = thinkingConfig(body);
        if (thinking != null) {
            config.set("thinkingConfig", thinking);
        }
        return config;
    }

    private static Integer maxTokens(ObjectNode body) {
        for (String param : new String[] {"max_completion_tokens", "max_tokens"}) {
            JsonNode n = body.get(param);
            if (n != null && !n.isNull()) {
                if (!n.isIntegralNumber() || !n.canConvertToInt() || n.asInt() < 1) {
                    throw GatewayException.badRequest(param + " must be a positive integer", param);
                }
                return n.asInt();
            }
        }
        return null;
    }

    private static ArrayNode stopSequences(JsonNode stop) {
        ArrayNode out = F.arrayNode();
        if (stop == null || stop.isNull()) {
            return out;
        }
        if (stop.isTextual()) {
            out.add(stop.asText());
        } else if (stop.isArray()) {
            for (JsonNode s : stop) {
                if (!s.isTextual()) {
                    throw GatewayException.badRequest("stop must be a string or a list of strings", "stop");
                }
                out.add(s.asText());
            }
        } else {
            throw GatewayException.badRequest("stop must be a string or a list of strings", "stop");
        }
        return out;
    }

    /**
     * Gemini's {@code thinkingConfig}, with {@code includeThoughts} so the thought summary comes back as
     * {@code reasoning_content}: from an Anthropic-style {@code thinking} object, or from OpenAI's
     * {@code reasoning_effort} with LiteLLM's budgets ({@code none} turns thinking off where the model allows).
     */
    private static ObjectNode thinkingConfig(ObjectNode body) {
        JsonNode thinking = body.get("thinking");
        if (thinking != null && thinking.isObject()) {
            if ("disabled".equals(thinking.path("type").asText())) {
                return F.objectNode().put("thinkingBudget", 0);
            }
            ObjectNode out = F.objectNode().put("includeThoughts", true);
            if (thinking.path("budget_tokens").canConvertToInt()) {
                out.put("thinkingBudget", thinking.path("budget_tokens").asInt());
            }
            return out;
        }
        String effort = body.path("reasoning_effort").asText("");
        return switch (effort) {
            case "" -> null;
            case "none", "disable" -> F.objectNode().put("thinkingBudget", 0);
            case "minimal" -> F.objectNode().put("includeThoughts", true).put("thinkingBudget", 128);
            case "low" -> F.objectNode().put("includeThoughts", true).put("thinkingBudget", 1024);
            case "medium" -> F.objectNode().put("includeThoughts", true).put("thinkingBudget", 2048);
            case "high" -> F.objectNode().put("includeThoughts", true).put("thinkingBudget", 4096);
            default ->
                throw GatewayException.badRequest(
                        "reasoning_effort must be none, minimal, low, medium or high", "reasoning_effort");
        };
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

    /** The translated non-streamed answer; {@code created} is the gateway's clock (Gemini does not send one). */
    public static ObjectNode toOpenAiResponse(JsonNode response, long created, String fallbackModel, String apiKey) {
        JsonNode candidate = response.path("candidates").path(0);
        StringBuilder text = new StringBuilder();
        StringBuilder thoughts = new StringBuilder();
        ArrayNode toolCalls = F.arrayNode();
        for (JsonNode part : candidate.path("content").path("parts")) {
            if (part.has("functionCall")) {
                toolCalls.add(toolCall(part));
            } else if (part.path("thought").asBoolean(false)) {
                thoughts.append(part.path("text").asText(""));
            } else {
                text.append(part.path("text").asText(""));
            }
        }
        ObjectNode msg = F.objectNode();
        msg.put("role", "assistant");
        if (text.isEmpty() && !toolCalls.isEmpty()) {
            msg.putNull("content");
        } else {
            msg.put("content", text.toString());
        }
        if (!thoughts.isEmpty()) {
            msg.put("reasoning_content", thoughts.toString());
        }
        if (!toolCalls.isEmpty()) {
            msg.set("tool_calls", toolCalls);
        }
        String finish = candidate.isMissingNode()
                ? blockedPromptFinish(response, apiKey)
                : finishReason(candidate.path("finishReason").asText(null), !toolCalls.isEmpty());
        return OpenAiShapes.completion(
                id(response),
                created,
                response.path("modelVersion").asText(fallbackModel),
                msg,
                finish == null ? "stop" : finish,
                usage(response.path("usageMetadata")));
    }

    /**
     * No candidate at all: Gemini blocked the prompt itself ({@code promptFeedback.blockReason}), which OpenAI
     * clients know as a content-filtered answer; anything else is a broken answer.
     */
    static String blockedPromptFinish(JsonNode response, String apiKey) {
        if (response.path("promptFeedback").hasNonNull("blockReason")) {
            return "content_filter";
        }
        throw GeminiErrors.badResponse("answered without a candidate", apiKey);
    }

    static String id(JsonNode response) {
        String id = response.path("responseId").asText("");
        return id.isEmpty() ? "chatcmpl-gemini" : id;
    }

    static ObjectNode toolCall(JsonNode part) {
        JsonNode fc = part.path("functionCall");
        ObjectNode call = F.objectNode();
        String upstreamId = fc.path("id").asText("");
        call.put(
                "id",
                upstreamId.isEmpty()
                        ? GeminiToolCallIds.newId(part.path("thoughtSignature").asText(null))
                        : upstreamId);
        call.put("type", "function");
        JsonNode args = fc.get("args");
        call.putObject("function")
                .put("name", fc.path("name").asText())
                .put("arguments", args == null || args.isNull() ? "{}" : args.toString());
        return call;
    }

    /**
     * Gemini's finishReason as an OpenAI finish_reason. Every safety-style stop (SAFETY, RECITATION, BLOCKLIST,
     * PROHIBITED_CONTENT, SPII, IMAGE_SAFETY...) is {@code content_filter}; STOP with function calls is
     * {@code tool_calls}, since Gemini has no reason of its own for it.
     */
    static String finishReason(String reason, boolean calledTools) {
        if (reason == null || reason.isEmpty()) {
            return null;
        }
        return switch (reason) {
            case "STOP" -> calledTools ? "tool_calls" : "stop";
            case "MAX_TOKENS" -> "length";
            case "SAFETY",
                    "RECITATION",
                    "BLOCKLIST",
                    "PROHIBITED_CONTENT",
                    "SPII",
                    "IMAGE_SAFETY",
                    "IMAGE_PROHIBITED_CONTENT",
                    "IMAGE_RECITATION" -> "content_filter";
            // FINISH_REASON_UNSPECIFIED, LANGUAGE, OTHER, MALFORMED_FUNCTION_CALL, UNEXPECTED_TOOL_CALL...: the
            // answer ended without a more specific OpenAI reason
            default -> calledTools ? "tool_calls" : "stop";
        };
    }

    /**
     * Gemini counts cached tokens inside {@code promptTokenCount} (as OpenAI does) and thought tokens outside
     * {@code candidatesTokenCount} (OpenAI counts reasoning inside completion_tokens), so thoughts are added.
     */
    static Usage usage(JsonNode u) {
        long thoughts = u.path("thoughtsTokenCount").asLong(0);
        return new Usage(
                u.path("promptTokenCount").asLong(0)
                        + u.path("toolUsePromptTokenCount").asLong(0),
                u.path("candidatesTokenCount").asLong(0) + thoughts,
                u.path("cachedContentTokenCount").asLong(0),
                0,
                thoughts);
    }
}
