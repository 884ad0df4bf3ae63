package com.acme.mpc.gateway.provider.vertex;

import com.acme.mpc.gateway.provider.EmbeddingShapes;
import com.acme.mpc.gateway.provider.gemini.GeminiErrors;
import com.acme.mpc.gateway.provider.mock.TokenEstimate;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * OpenAI {@code /embeddings} to Vertex AI's text-embedding {@code predict} ({@code text-embedding-005},
 * {@code gemini-embedding-001}, {@code text-multilingual-embedding-002}...) and back:
 * {@code {"instances":[{"content":...}],"parameters":{"outputDimensionality":n}}} answered by
 * {@code predictions[].embeddings.values} with the tokens of each input in {@code embeddings.statistics.token_count}.
 */
final class VertexEmbeddingMapper {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private VertexEmbeddingMapper() {}

    /**
     * The inputs of each {@code predict} call: all in one, but for {@code gemini-embedding-*} models, which Vertex
     * serves one input per request (the calls then run concurrently).
     */
    static List<List<String>> requests(String model, List<String> texts) {
        if (!model.startsWith("gemini-embedding")) {
            return List.of(texts);
        }
        return texts.stream().map(List::of).toList();
    }

    static ObjectNode toPredictRequest(List<String> texts, ObjectNode body) {
        ObjectNode out = F.objectNode();
        ArrayNode instances = out.putArray("instances");
        JsonNode taskType = body.get("task_type");
        for (String text : texts) {
            ObjectNode instance = instances.addObject().put("content", text);
            if (taskType != null && taskType.isTextual()) {
                instance.put("task_type", taskType.asText());
            }
        }
        Integer dims = EmbeddingShapes.dimensions(body);
        if (dims != null) {
            out.putObject("parameters").put("outputDimensionality", dims);
        }
        return out;
    }

    /**
     * The vectors of the answers (in the order of {@link #requests}) in input order; Vertex's token counts when it
     * reports them, else ~4 characters a token.
     */
    static ObjectNode toOpenAi(
            List<? extends JsonNode> answers, List<String> texts, String model, boolean base64, String token) {
        List<JsonNode> vectors = new ArrayList<>();
        long tokens = 0;
        boolean counted = false;
        List<JsonNode> predictions = new ArrayList<>();
        answers.forEach(answer -> answer.path("predictions").forEach(predictions::add));
        for (JsonNode prediction : predictions) {
            JsonNode embeddings = prediction.path("embeddings");
            JsonNode values = embeddings.get("values");
            if (values == null || !values.isArray()) {
                throw GeminiErrors.badResponse("(vertex_ai) returned a prediction without embeddings.values", token);
            }
            vectors.add(values);
            JsonNode count = embeddings.path("statistics").get("token_count");
            if (count != null && count.isNumber()) {
                tokens += count.asLong();
                counted = true;
            }
        }
        if (vectors.size() != texts.size()) {
            throw GeminiErrors.badResponse(
                    "(vertex_ai) returned " + vectors.size() + " embeddings for " + texts.size() + " inputs", token);
        }
        if (!counted) {
            for (String text : texts) {
                tokens += TokenEstimate.of(text);
            }
        }
        return EmbeddingShapes.list(vectors, model, tokens, base64);
    }
}
