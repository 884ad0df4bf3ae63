package com.acme.mpc.gateway.provider.ollama;

import com.acme.mpc.gateway.core.GatewayException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;

/** Pure translations between OpenAI's {@code /embeddings} and Ollama's {@code /api/embed}. */
final class OllamaEmbedMapper {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private OllamaEmbedMapper() {}

    static ObjectNode toOllamaEmbedRequest(ObjectNode body, String model) {
        String format = body.path("encoding_format").asText("float");
        if (!format.equals("float") && !format.equals("base64")) {
            throw GatewayException.badRequest("encoding_format must be 'float' or 'base64'", "encoding_format");
        }
        ObjectNode out = F.objectNode();
        out.put("model", model);
        out.set("input", input(body.get("input")));
        OllamaMapper.copyIfPresent(body, out, "truncate");
        OllamaMapper.copyIfPresent(body, out, "dimensions");
        OllamaMapper.copyIfPresent(body, out, "keep_alive");
        if (body.get("options") instanceof ObjectNode options) {
            out.set("options", options.deepCopy());
        }
        return out;
    }

    static ObjectNode toOpenAiEmbeddings(ObjectNode ollama, String fallbackModel, String encodingFormat) {
        JsonNode embeddings = ollama.get("embeddings");
        if (embeddings == null || !embeddings.isArray()) {
            throw OllamaErrors.badResponse("embed answer has no embeddings array");
        }
        boolean base64 = "base64".equals(encodingFormat);
        ObjectNode out = F.objectNode();
        out.put("object", "list");
        ArrayNode data = out.putArray("data");
        for (int i = 0; i < embeddings.size(); i++) {
            ObjectNode item = data.addObject();
            item.put("object", "embedding");
            item.put("index", i);
            JsonNode vector = embeddings.get(i);
            if (base64) {
                item.put("embedding", toBase64(vector));
            } else {
                item.set("embedding", vector);
            }
        }
        out.put("model", ollama.path("model").asText(fallbackModel));
        long promptTokens = ollama.path("prompt_eval_count").asLong(0);
        ObjectNode usage = out.putObject("usage");
        usage.put("prompt_tokens", promptTokens);
        usage.put("total_tokens", promptTokens);
        return out;
    }

    /** OpenAI's base64 format: the vector as little-endian float32s, which is what its SDKs decode. */
    static String toBase64(JsonNode vector) {
        ByteBuffer buffer = ByteBuffer.allocate(vector.size() * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (JsonNode value : vector) {
            buffer.putFloat(value.floatValue());
        }
        return Base64.getEncoder().encodeToString(buffer.array());
    }

    private static JsonNode input(JsonNode input) {
        if (input != null && input.isTextual()) {
            return input.deepCopy();
        }
        if (input != null && input.isArray() && !input.isEmpty()) {
            for (JsonNode item : input) {
                if (!item.isTextual()) {
                    throw GatewayException.badRequest(
                            "input must be a string or an array of strings (ollama does not accept token ids)",
                            "input");
                }
            }
            return input.deepCopy();
        }
        throw GatewayException.badRequest("input must be a non-empty string or array of strings", "input");
    }
}
