package com.acme.mpc.gateway.provider.ollama;

import com.acme.mpc.gateway.core.GatewayException;
import com.acme.mpc.gateway.core.Usage;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** Pure translations between OpenAI's legacy {@code /completions} and Ollama's {@code /api/generate}. */
final class OllamaGenerateMapper {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    /** Ollama-only generate fields that LiteLLM lets through unchanged. */
    private static final List<String> PASS_THROUGH =
            List.of("suffix", "raw", "system", "template", "images", "context", "keep_alive", "format", "think");

    private OllamaGenerateMapper() {}

    static ObjectNode toOllamaGenerateRequest(ObjectNode body, String model, boolean stream) {
        OllamaMapper.requireSingleChoice(body);
        ObjectNode out = F.objectNode();
        out.put("model", model);
        out.put("prompt", prompt(body.get("prompt")));
        out.put("stream", stream);
        ObjectNode options = OllamaMapper.toOllamaOptions(body);
        if (!options.isEmpty()) {
            out.set("options", options);
        }
        for (String field : PASS_THROUGH) {
            OllamaMapper.copyIfPresent(body, out, field);
        }
        return out;
    }

    static ObjectNode toOpenAiTextCompletion(ObjectNode ollama, String fallbackModel) {
        ObjectNode out = envelope(
                OllamaMapper.randomId("cmpl-"),
                OllamaMapper.created(ollama.get("created_at")),
                ollama.path("model").asText(fallbackModel));
        addChoice(out, ollama.path("response").asText(""), finishReason(ollama));
        OllamaMapper.usage(ollama).writeOpenAi(out.putObject("usage"));
        return out;
    }

    /** A streamed {@code text_completion} chunk with one choice; {@code finishReason} null until the last. */
    static ObjectNode textChunk(String id, long created, String model, String text, String finishReason) {
        ObjectNode chunk = envelope(id, created, model);
        addChoice(chunk, text, finishReason);
        return chunk;
    }

    /** The closing usage chunk of a text completion stream, shaped like OpenAI's {@code include_usage} one. */
    static ObjectNode usageChunk(String id, long created, String model, Usage usage) {
        ObjectNode chunk = envelope(id, created, model);
        chunk.putArray("choices");
        usage.writeOpenAi(chunk.putObject("usage"));
        return chunk;
    }

    static String finishReason(JsonNode ollama) {
        return OllamaMapper.finishReason(ollama.path("done_reason").asText(null), false);
    }

    private static String prompt(JsonNode prompt) {
        if (prompt != null && prompt.isTextual()) {
            return prompt.asText();
        }
        if (prompt != null && prompt.isArray()) {
            if (prompt.size() > 1) {
                throw GatewayException.badRequest(
                        "ollama completes one prompt per request; send a single prompt string", "prompt");
            }
            if (prompt.size() == 1 && prompt.get(0).isTextual()) {
                return prompt.get(0).asText();
            }
        }
        throw GatewayException.badRequest("prompt must be a string (ollama does not accept token ids)", "prompt");
    }

    private static ObjectNode envelope(String id, long created, String model) {
        ObjectNode out = F.objectNode();
        out.put("id", id);
        out.put("object", "text_completion");
        out.put("created", created);
        out.put("model", model);
        return out;
    }

    private static void addChoice(ObjectNode target, String text, String finishReason) {
        ObjectNode choice = target.putArray("choices").addObject();
        choice.put("text", text);
        choice.put("index", 0);
        choice.putNull("logprobs");
        if (finishReason == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finishReason);
        }
    }
}
