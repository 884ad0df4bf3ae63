package com.acme.mpc.gateway.provider;

import com.acme.mpc.gateway.core.GatewayException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** The OpenAI {@code /embeddings} request and answer pieces that native-embedding adapters share. */
public final class EmbeddingShapes {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private EmbeddingShapes() {}

    /** The input texts; token-id arrays are refused because only OpenAI-compatible servers read them. */
    public static List<String> texts(ObjectNode body, String provider) {
        JsonNode input = body.get("input");
        List<String> texts = new ArrayList<>();
        if (input != null && input.isTextual()) {
            texts.add(input.asText());
        } else if (input != null && input.isArray() && !input.isEmpty()) {
            for (JsonNode item : input) {
                if (!item.isTextual()) {
                    throw GatewayException.badRequest(
                            "input must be a string or an array of strings (" + provider
                                    + " does not accept token ids)",
                            "input");
                }
                texts.add(item.asText());
            }
        } else {
            throw GatewayException.badRequest("input must be a non-empty string or array of strings", "input");
        }
        return texts;
    }

    /** {@code float} (default) or {@code base64}; anything else is a 400. */
    public static boolean wantsBase64(ObjectNode body) {
        String format = body.path("encoding_format").asText("float");
        if (!format.equals("float") && !format.equals("base64")) {
            throw GatewayException.badRequest("encoding_format must be 'float' or 'base64'", "encoding_format");
        }
        return format.equals("base64");
    }

    /** {@code dimensions} as a positive int, or null when absent. */
    public static Integer dimensions(ObjectNode body) {
        JsonNode n = body.get("dimensions");
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isIntegralNumber() || !n.canConvertToInt() || n.asInt() < 1) {
            throw GatewayException.badRequest("dimensions must be a positive integer", "dimensions");
        }
        return n.asInt();
    }

    /** An OpenAI embeddings {@code list} with one item per vector, in input order. */
    public static ObjectNode list(List<JsonNode> vectors, String model, long promptTokens, boolean base64) {
        ObjectNode out = F.objectNode();
        out.put("object", "list");
        ArrayNode data = out.putArray("data");
        for (int i = 0; i < vectors.size(); i++) {
            ObjectNode item = data.addObject();
            item.put("object", "embedding");
            item.put("index", i);
            if (base64) {
                item.put("embedding", toBase64(vectors.get(i)));
            } else {
                item.set("embedding", vectors.get(i));
            }
        }
        out.put("model", model);
        out.putObject("usage").put("prompt_tokens", promptTokens).put("total_tokens", promptTokens);
        return out;
    }

    /** OpenAI's base64 format: the vector as little-endian float32s, which is what its SDKs decode. */
    public static String toBase64(JsonNode vector) {
        ByteBuffer buffer = ByteBuffer.allocate(vector.size() * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (JsonNode value : vector) {
            buffer.putFloat(value.floatValue());
        }
        return Base64.getEncoder().encodeToString(buffer.array());
    }
}
