package com.acme.mpc.gateway.provider.bedrock;

import com.acme.mpc.gateway.core.GatewayException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Set;

/**
 * OpenAI embeddings requests as InvokeModel bodies of the two embedding families Bedrock serves: Amazon Titan (one
 * text per call: {@code inputText} to {@code embedding} and {@code inputTextTokenCount}) and Cohere
 * ({@code texts} + {@code input_type} to {@code embeddings}).
 */
final class BedrockEmbeddingMapper {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final Set<String> COHERE_INPUT_TYPES =
            Set.of("search_document", "search_query", "classification", "clustering");

    enum Family {
        TITAN,
        COHERE
    }

    private BedrockEmbeddingMapper() {}

    /** The family of a model id, cross-region prefixes ({@code us.}) and ARNs included; null when neither. */
    static Family family(String modelId) {
        if (modelId.contains("amazon.titan-embed")) {
            return Family.TITAN;
        }
        if (modelId.contains("cohere.embed")) {
            return Family.COHERE;
        }
        return null;
    }

    static ObjectNode titanRequest(String text, Integer dimensions, String modelId) {
        ObjectNode out = F.objectNode().put("inputText", text);
        if (dimensions != null) {
            if (!modelId.contains("titan-embed-text-v2")) {
                throw GatewayException.badRequest(
                        "dimensions is only supported by amazon.titan-embed-text-v2", "dimensions");
            }
            out.put("dimensions", dimensions);
        }
        return out;
    }

    /** {@code input_type} from the request (Cohere's own field), else {@code search_document} as LiteLLM sends. */
    static ObjectNode cohereRequest(List<String> texts, ObjectNode body) {
        ObjectNode out = F.objectNode();
        texts.forEach(out.putArray("texts")::add);
        String inputType = body.path("input_type").asText("search_document");
        if (!COHERE_INPUT_TYPES.contains(inputType)) {
            throw GatewayException.badRequest(
                    "input_type must be search_document, search_query, classification or clustering", "input_type");
        }
        out.put("input_type", inputType);
        return out;
    }

    static JsonNode titanVector(JsonNode answer, String secret) {
        JsonNode v = answer.get("embedding");
        if (v == null || !v.isArray()) {
            throw BedrockErrors.badResponse("answered an embedding request without an embedding", secret);
        }
        return v;
    }

    /** Cohere's float vectors: {@code embeddings} is the list, or (with embedding_types) {@code embeddings.float}. */
    static JsonNode cohereVectors(JsonNode answer, int expected, String secret) {
        JsonNode v = answer.path("embeddings");
        if (v.isObject()) {
            v = v.path("float");
        }
        if (!v.isArray() || v.size() != expected) {
            throw BedrockErrors.badResponse(
                    "answered with " + (v.isArray() ? v.size() : 0) + " embeddings for " + expected + " texts", secret);
        }
        return v;
    }
}
