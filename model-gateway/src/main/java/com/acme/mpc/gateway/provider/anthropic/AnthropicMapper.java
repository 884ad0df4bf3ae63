package com.acme.mpc.gateway.provider.anthropic;

import com.acme.mpc.gateway.config.Deployment;
import com.acme.mpc.gateway.core.GatewayException;
import com.acme.mpc.gateway.core.OpenAiShapes;
import com.acme.mpc.gateway.core.Usage;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Pure translation between an OpenAI chat request/response and Anthropic's Messages API.
 *
 * <p>The outgoing body is built from an allow-list: every OpenAI or gateway parameter not mapped here is dropped on
 * purpose (frequency_penalty, presence_penalty, logit_bias, seed, logprobs, stream_options, metadata, service_tier,
 * store...), because Anthropic rejects unknown top-level fields and the deployment's extra {@code litellm_params} are
 * merged into the same body.
 */
public final class AnthropicMapper {
    static final int DEFAULT_MAX_TOKENS = 4096;
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private AnthropicMapper() {}

    public static ObjectNode toAnthropicRequest(ObjectNode body, Deployment deployment, boolean stream) {
        rejectMultipleChoices(body);
        rejectLegacyFunctions(body);
        ObjectNode out = F.objectNode();
        String model = body.path("model").asText("");
        out.put("model", model.isEmpty() ? deployment.upstreamModel() : model);
        AnthropicMessageMapper.Converted converted = AnthropicMessageMapper.convert(body.get("messages"));
        if (converted.system() != null) {
            out.set("system", converted.system());
        }
        out.set("messages", converted.messages());
        out.put("max_tokens", maxTokens(body, deployment));
        mapStop(body.get("stop"), out);
        copyIfPresent(body, "temperature", out);
        copyIfPresent(body, "top_p", out);
        copyIfPresent(body, "top_k", out);
        String user = body.path("user").asText("");
        if (!user.isEmpty()) {
            out.putObject("metadata").put("user_id", user);
        }
        mapThinking(body, out);
        int budget = out.path("thinking").path("budget_tokens").asInt(0);
        boolean clientChoseMax = body.hasNonNull("max_tokens") || body.hasNonNull("max_completion_tokens");
        if (budget >= out.path("max_tokens").asInt() && !clientChoseMax) {
            // Anthropic requires max_tokens > budget_tokens; a defaulted limit must not turn thinking into a 400.
            out.put("max_tokens", budget + DEFAULT_MAX_TOKENS);
        }
        AnthropicToolMapper.mapTools(body, out);
        AnthropicToolMapper.mapResponseFormat(body.get("response_format"), out);
        if (stream) {
            out.put("stream", true);
        }
        return out;
    }

    /** The translated non-streamed answer; {@code created} is the gateway's clock (Anthropic does not send one). */
    public static ObjectNode toOpenAiResponse(JsonNode message, long created) {
        StringBuilder text = new StringBuilder();
        StringBuilder thinking = new StringBuilder();
        ArrayNode thinkingBlocks = F.arrayNode();
        ArrayNode toolCalls = F.arrayNode();
        boolean jsonMode = AnthropicToolMapper.isJsonToolOnly(message.path("content"));
        for (JsonNode block : message.path("content")) {
            switch (block.path("type").asText()) {
                case "text" -> text.append(block.path("text").asText());
                case "thinking" -> {
                    thinking.append(block.path("thinking").asText());
                    thinkingBlocks.add(block);
                }
                case "redacted_thinking" -> thinkingBlocks.add(block);
                case "tool_use" -> {
                    if (jsonMode) {
                        text.append(block.path("input").toString());
                    } else {
                        toolCalls.add(toolCall(block));
                    }
                }
                default -> {
                    // server-tool blocks (web search results...) have no OpenAI counterpart
                }
            }
        }
        ObjectNode msg = F.objectNode();
        msg.put("role", "assistant");
        if (text.isEmpty() && !toolCalls.isEmpty()) {
            msg.putNull("content");
        } else {
            msg.put("content", text.toString());
        }
        if (!thinking.isEmpty()) {
            msg.put("reasoning_content", thinking.toString());
        }
        if (!thinkingBlocks.isEmpty()) {
            // LiteLLM clients send these back on the next turn; Anthropic requires them (with signature) when
            // extended thinking is combined with tool use.
            msg.set("thinking_blocks", thinkingBlocks);
        }
        if (!toolCalls.isEmpty()) {
            msg.set("tool_calls", toolCalls);
        }
        String finish = finishReason(message.path("stop_reason").asText(null));
        if (jsonMode && "tool_calls".equals(finish)) {
            finish = "stop";
        }
        return OpenAiShapes.completion(
                message.path("id").asText(),
                created,
                message.path("model").asText(),
                msg,
                finish,
                usage(message.path("usage")));
    }

    /** Anthropic's stop_reason as an OpenAI finish_reason; shared with the stream translator. */
    static String finishReason(String stopReason) {
        if (stopReason == null) {
            return null;
        }
        return switch (stopReason) {
            case "max_tokens", "model_context_window_exceeded" -> "length";
            case "tool_use" -> "tool_calls";
            case "refusal" -> "content_filter";
            // end_turn, stop_sequence, pause_turn (a server tool paused the turn; the text so far is complete)
            default -> "stop";
        };
    }

    /**
     * Anthropic bills cache reads and writes outside {@code input_tokens}; OpenAI's {@code prompt_tokens} counts every
     * prompt token, so the buckets are summed and also kept apart for pricing.
     */
    public static Usage usage(JsonNode u) {
        long cacheRead = u.path("cache_read_input_tokens").asLong(0);
        long cacheWrite = u.path("cache_creation_input_tokens").asLong(0);
        return new Usage(
                u.path("input_tokens").asLong(0) + cacheRead + cacheWrite,
                u.path("output_tokens").asLong(0),
                cacheRead,
                cacheWrite,
                0);
    }

    static ObjectNode toolCall(JsonNode toolUse) {
        ObjectNode call = F.objectNode();
        call.put("id", toolUse.path("id").asText());
        call.put("type", "function");
        ObjectNode fn = call.putObject("function");
        fn.put("name", toolUse.path("name").asText());
        JsonNode input = toolUse.get("input");
        fn.put("arguments", input == null || input.isNull() ? "{}" : input.toString());
        return call;
    }

    private static void rejectLegacyFunctions(ObjectNode body) {
        // Dropping them would silently answer without the functions; mapping them would answer with tool_calls,
        // which a client still on the function_call protocol cannot read.
        for (String param : new String[] {"functions", "function_call"}) {
            if (body.hasNonNull(param)) {
                throw GatewayException.badRequest(
                        param + " is deprecated and not supported for anthropic models; use tools and tool_choice",
                        param);
            }
        }
    }

    private static void rejectMultipleChoices(ObjectNode body) {
        JsonNode n = body.get("n");
        if (n != null && !n.isNull() && n.asInt(1) != 1) {
            throw GatewayException.badRequest("anthropic models return one choice; n must be 1", "n");
        }
    }

    /** Anthropic requires max_tokens; OpenAI clients usually omit it. */
    static int maxTokens(ObjectNode body, Deployment d) {
        for (String param : new String[] {"max_completion_tokens", "max_tokens"}) {
            JsonNode n = body.get(param);
            if (n != null && !n.isNull()) {
                if (!n.canConvertToInt() || !n.isIntegralNumber() || n.asInt() < 1) {
                    throw GatewayException.badRequest(param + " must be a positive integer", param);
                }
                return n.asInt();
            }
        }
        if (d.maxTokens() != null) {
            return d.maxTokens();
        }
        if (d.modelInfo() != null && d.modelInfo().maxOutputTokens() != null) {
            return d.modelInfo().maxOutputTokens();
        }
        return DEFAULT_MAX_TOKENS;
    }

    private static void mapStop(JsonNode stop, ObjectNode out) {
        if (stop == null || stop.isNull()) {
            return;
        }
        ArrayNode sequences = F.arrayNode();
        if (stop.isTextual()) {
            addStop(stop.asText(), sequences);
        } else if (stop.isArray()) {
            for (JsonNode s : stop) {
                if (!s.isTextual()) {
                    throw GatewayException.badRequest("stop must be a string or a list of strings", "stop");
                }
                addStop(s.asText(), sequences);
            }
        } else {
            throw GatewayException.badRequest("stop must be a string or a list of strings", "stop");
        }
        if (!sequences.isEmpty()) {
            out.set("stop_sequences", sequences);
        }
    }

    private static void addStop(String s, ArrayNode sequences) {
        // Anthropic rejects whitespace-only stop sequences (a common OpenAI habit is stop: "\n"); LiteLLM drops
        // them too, which keeps such requests working at the cost of that one sequence.
        if (!s.isBlank()) {
            sequences.add(s);
        }
    }

    /**
     * {@code thinking} (set by Anthropic-aware clients or a deployment's litellm_params) passes through; OpenAI's
     * {@code reasoning_effort} maps to a thinking budget with LiteLLM's values.
     */
    private static void mapThinking(ObjectNode body, ObjectNode out) {
        JsonNode thinking = body.get("thinking");
        if (thinking != null && thinking.isObject()) {
            out.set("thinking", thinking);
            return;
        }
        int budget = switch (body.path("reasoning_effort").asText("")) {
            case "low" -> 1024;
            case "medium" -> 2048;
            case "high" -> 4096;
            default -> 0;
        };
        if (budget > 0) {
            out.putObject("thinking").put("type", "enabled").put("budget_tokens", budget);
        }
    }

    private static void copyIfPresent(ObjectNode from, String field, ObjectNode to) {
        JsonNode v = from.get(field);
        if (v != null && !v.isNull()) {
            to.set(field, v);
        }
    }
}
