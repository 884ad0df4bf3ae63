package com.acme.mpc.gateway.provider.ollama;

import com.acme.mpc.gateway.core.GatewayException;
import com.acme.mpc.gateway.core.OpenAiShapes;
import com.acme.mpc.gateway.core.Usage;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Pure translations between OpenAI chat completions and Ollama's native {@code /api/chat}, plus the parts shared
 * with {@code /api/generate} (sampling options, usage, finish reason, timestamps).
 */
final class OllamaMapper {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    /**
     * Ollama-native sampling and runtime options that LiteLLM users put in {@code litellm_params} (for example
     * {@code num_ctx}); the gateway merges those into the body, and Ollama only reads them inside {@code options}.
     */
    private static final List<String> NATIVE_OPTIONS = List.of(
            "num_ctx",
            "num_keep",
            "num_batch",
            "num_gpu",
            "main_gpu",
            "num_thread",
            "repeat_last_n",
            "repeat_penalty",
            "min_p",
            "typical_p",
            "tfs_z",
            "mirostat",
            "mirostat_eta",
            "mirostat_tau",
            "penalize_newline",
            "use_mmap",
            "use_mlock",
            "numa",
            "low_vram",
            "top_k");

    private static final List<String> SAME_NAME_OPTIONS =
            List.of("temperature", "top_p", "seed", "frequency_penalty", "presence_penalty");

    private OllamaMapper() {}

    /** The {@code /api/chat} body for an OpenAI chat request. */
    static ObjectNode toOllamaChatRequest(ObjectNode body, String model, boolean stream) {
        requireSingleChoice(body);
        ObjectNode out = F.objectNode();
        out.put("model", model);
        out.set("messages", OllamaMessageMapper.toOllamaMessages(body.path("messages")));
        out.put("stream", stream);
        ObjectNode options = toOllamaOptions(body);
        if (!options.isEmpty()) {
            out.set("options", options);
        }
        JsonNode tools = body.get("tools");
        // Ollama has no tool_choice; "none" is honoured by not offering the tools at all.
        boolean toolsDisabled = "none".equals(body.path("tool_choice").asText(null));
        if (tools != null && tools.isArray() && !tools.isEmpty() && !toolsDisabled) {
            out.set("tools", tools.deepCopy());
        }
        JsonNode format = toOllamaFormat(body.get("response_format"));
        if (format != null) {
            out.set("format", format);
        }
        copyIfPresent(body, out, "keep_alive");
        JsonNode think = think(body, model);
        if (think != null) {
            out.set("think", think);
        }
        return out;
    }

    /** A non-streamed {@code /api/chat} answer as an OpenAI {@code chat.completion}. */
    static ObjectNode toOpenAiChatCompletion(ObjectNode ollama, String fallbackModel) {
        JsonNode msg = ollama.path("message");
        ObjectNode message = F.objectNode();
        message.put("role", "assistant");
        ArrayNode toolCalls = F.arrayNode();
        for (JsonNode call : msg.path("tool_calls")) {
            toolCalls.add(toOpenAiToolCall(call, -1));
        }
        String content = msg.path("content").asText("");
        if (content.isEmpty() && !toolCalls.isEmpty()) {
            message.putNull("content");
        } else {
            message.put("content", content);
        }
        String thinking = msg.path("thinking").asText("");
        if (!thinking.isEmpty()) {
            message.put("reasoning_content", thinking);
        }
        if (!toolCalls.isEmpty()) {
            message.set("tool_calls", toolCalls);
        }
        return OpenAiShapes.completion(
                randomId("chatcmpl-"),
                created(ollama.get("created_at")),
                ollama.path("model").asText(fallbackModel),
                message,
                finishReason(ollama.path("done_reason").asText(null), !toolCalls.isEmpty()),
                usage(ollama));
    }

    /**
     * An Ollama tool call ({@code arguments} as an object) as an OpenAI one ({@code arguments} as a JSON string).
     * {@code index} >= 0 adds the position a stream delta needs.
     */
    static ObjectNode toOpenAiToolCall(JsonNode ollamaCall, int index) {
        JsonNode fn = ollamaCall.path("function");
        ObjectNode out = F.objectNode();
        if (index >= 0) {
            out.put("index", index);
        }
        // Recent Ollama versions assign ids; older ones do not, and OpenAI clients need one to answer the call.
        String id = ollamaCall.path("id").asText("");
        out.put("id", id.isEmpty() ? randomId("call_") : id);
        out.put("type", "function");
        ObjectNode function = out.putObject("function");
        function.put("name", fn.path("name").asText(""));
        JsonNode args = fn.get("arguments");
        if (args == null || args.isNull()) {
            function.put("arguments", "{}");
        } else if (args.isTextual()) {
            function.put("arguments", args.asText());
        } else {
            function.put("arguments", args.toString());
        }
        return out;
    }

    /** OpenAI sampling parameters (and Ollama-native ones given at top level) as Ollama {@code options}. */
    static ObjectNode toOllamaOptions(ObjectNode body) {
        ObjectNode options = F.objectNode();
        if (body.get("options") instanceof ObjectNode explicit) {
            options.setAll(explicit.deepCopy());
        }
        for (String name : NATIVE_OPTIONS) {
            copyIfPresent(body, options, name);
        }
        for (String name : SAME_NAME_OPTIONS) {
            copyIfPresent(body, options, name);
        }
        JsonNode maxTokens = firstPresent(body, "max_completion_tokens", "max_tokens");
        if (maxTokens != null) {
            options.set("num_predict", maxTokens.deepCopy());
        }
        JsonNode stop = body.get("stop");
        if (stop != null && stop.isTextual()) {
            options.putArray("stop").add(stop.asText());
        } else if (stop != null && stop.isArray() && !stop.isEmpty()) {
            options.set("stop", stop.deepCopy());
        }
        return options;
    }

    /**
     * {@code prompt_eval_count} already includes the tokens Ollama read from its KV cache, which recent versions also
     * report apart as {@code prompt_eval_cached_count}: the same split as OpenAI's {@code cached_tokens}.
     */
    static Usage usage(JsonNode ollama) {
        return new Usage(
                ollama.path("prompt_eval_count").asLong(0),
                ollama.path("eval_count").asLong(0),
                ollama.path("prompt_eval_cached_count").asLong(0),
                0,
                0);
    }

    static String finishReason(String doneReason, boolean hasToolCalls) {
        if (hasToolCalls) {
            return "tool_calls";
        }
        return "length".equals(doneReason) ? "length" : "stop";
    }

    /** Epoch seconds of Ollama's RFC 3339 {@code created_at} (nanosecond precision, any offset); now if absent. */
    static long created(JsonNode createdAt) {
        if (createdAt != null && createdAt.isTextual()) {
            try {
                return OffsetDateTime.parse(createdAt.asText()).toEpochSecond();
            } catch (DateTimeParseException e) {
                // fall through: a timestamp we cannot read is not worth failing a completion for
            }
        }
        return Instant.now().getEpochSecond();
    }

    static String randomId(String prefix) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        StringBuilder sb = new StringBuilder(prefix.length() + 24).append(prefix);
        for (int i = 0; i < 24; i++) {
            sb.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return sb.toString();
    }

    static void requireSingleChoice(ObjectNode body) {
        if (body.path("n").asInt(1) > 1) {
            throw GatewayException.badRequest("ollama generates one choice per request; n must be 1", "n");
        }
    }

    static void copyIfPresent(JsonNode from, ObjectNode to, String field) {
        JsonNode value = from.get(field);
        if (value != null && !value.isNull()) {
            to.set(field, value.deepCopy());
        }
    }

    /**
     * Ollama's {@code think} switch, or null to leave the model's default. As LiteLLM does, an OpenAI
     * {@code reasoning_effort} becomes a level for gpt-oss (the only family that takes levels) and a boolean for the
     * others; an explicit {@code think} wins.
     */
    private static JsonNode think(JsonNode body, String model) {
        JsonNode think = body.get("think");
        if (think != null && !think.isNull()) {
            return think.deepCopy();
        }
        String effort = body.path("reasoning_effort").asText(null);
        if (effort == null) {
            return null;
        }
        boolean levelled = effort.equals("low") || effort.equals("medium") || effort.equals("high");
        if (model.contains("gpt-oss") && levelled) {
            return F.textNode(effort);
        }
        return F.booleanNode(levelled);
    }

    private static JsonNode firstPresent(JsonNode body, String... fields) {
        for (String field : fields) {
            JsonNode value = body.get(field);
            if (value != null && !value.isNull()) {
                return value;
            }
        }
        return null;
    }

    private static JsonNode toOllamaFormat(JsonNode responseFormat) {
        if (responseFormat == null || !responseFormat.isObject()) {
            return null;
        }
        return switch (responseFormat.path("type").asText("")) {
            case "json_object" -> F.textNode("json");
            case "json_schema" -> {
                JsonNode schema = responseFormat.path("json_schema").get("schema");
                if (schema == null || !schema.isObject()) {
                    throw GatewayException.badRequest(
                            "response_format.json_schema.schema must be a JSON schema object", "response_format");
                }
                yield schema.deepCopy();
            }
            default -> null;
        };
    }
}
