package com.acme.mpc.gateway.provider.gemini;

import com.acme.mpc.gateway.provider.EmbeddingShapes;
import com.acme.mpc.gateway.provider.mock.TokenEstimate;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * OpenAI {@code /embeddings} to Gemini's {@code embedContent} (one input) or {@code batchEmbedContents} (a list),
 * and back. Gemini reports no token count for embeddings, so usage is estimated from the input text (about four
 * characters a token) to keep every call metered.
 */
final class GeminiEmbeddingMapper {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private GeminiEmbeddingMapper() {}

    /** The embedContent body for one text. */
    static ObjectNode toEmbedRequest(String model, String text, ObjectNode body) {
        ObjectNode out = F.objectNode();
        out.put("model", "models/" + model);
        out.putObject("content").putArray("parts").addObject().put("text", text);
        Integer dims = EmbeddingShapes.dimensions(body);
        if (dims != null) {
            out.put("outputDimensionality", dims);
        }
        JsonNode taskType = body.get("task_type");
        if (taskType != null && taskType.isTextual()) {
            out.put("taskType", taskType.asText());
        }
        return out;
    }

    /** The batchEmbedContents body: one embedContent request per text, in order. */
    static ObjectNode toBatchRequest(String model, List<String> texts, ObjectNode body) {
        ObjectNode out = F.objectNode();
        ArrayNode requests = out.putArray("requests");
        for (String text : texts) {
            requests.add(toEmbedRequest(model, text, body));
        }
        return out;
    }

    /** Vectors of either answer ({@code embedding} or {@code embeddings}) as an OpenAI list. */
    static ObjectNode toOpenAi(JsonNode answer, List<String> texts, String model, boolean base64, String apiKey) {
        List<JsonNode> vectors = new ArrayList<>();
        if (answer.path("embedding").isObject()) {
            vectors.add(values(answer.get("embedding"), apiKey));
        } else {
            for (JsonNode e : answer.path("embeddings")) {
                vectors.add(values(e, apiKey));
            }
        }
        if (vectors.size() != texts.size()) {
            throw GeminiErrors.badResponse(
                    "returned " + vectors.size() + " embeddings for " + texts.size() + " inputs", apiKey);
        }
        long tokens = 0;
        for (String text : texts) {
            tokens += TokenEstimate.of(text);
        }
        return EmbeddingShapes.list(vectors, model, tokens, base64);
    }

    private static JsonNode values(JsonNode embedding, String apiKey) {
        JsonNode values = embedding.get("values");
        if (values == null || !values.isArray()) {
            throw GeminiErrors.badResponse("returned an embedding without values", apiKey);
        }
        return values;
    }
}
