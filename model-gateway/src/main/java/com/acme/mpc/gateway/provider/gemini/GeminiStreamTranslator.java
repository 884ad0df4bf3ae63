package com.acme.mpc.gateway.provider.gemini;

import com.acme.mpc.gateway.core.GatewayException;
import com.acme.mpc.gateway.core.Json;
import com.acme.mpc.gateway.core.OpenAiShapes;
import com.acme.mpc.gateway.provider.http.SseEvent;
import com.acme.mpc.gateway.provider.http.SseTranslator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.function.Consumer;

/**
 * One Gemini {@code streamGenerateContent?alt=sse} stream as OpenAI {@code chat.completion.chunk}s. Stateful, one
 * instance per stream: every event is a partial {@code GenerateContentResponse}; the usage grows across events (the
 * last one holds the totals), function calls arrive whole and need an OpenAI index, and the finish reason depends on
 * whether any function was called.
 */
public final class GeminiStreamTranslator implements SseTranslator {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private final long created;
    private final Consumer<ObjectNode> sink;
    private final String apiKey;
    private final String label;
    private String id;
    private String model;
    private JsonNode usage = F.objectNode();
    private int nextToolIndex;
    private boolean roleSent;
    private boolean finished;

    /**
     * @param created epoch seconds of the stream start, the {@code created} of every chunk
     * @param model the upstream model name, until Gemini reports its {@code modelVersion}
     * @param apiKey only to scrub it from upstream error messages
     */
    public GeminiStreamTranslator(long created, String model, Consumer<ObjectNode> sink, String apiKey) {
        this(created, model, sink, apiKey, "gemini");
    }

    /** @param label starts the message of an in-stream error ({@code vertex_ai} for Vertex AI's Gemini streams) */
    public GeminiStreamTranslator(long created, String model, Consumer<ObjectNode> sink, String apiKey, String label) {
        this.created = created;
        this.model = model;
        this.sink = sink;
        this.apiKey = apiKey;
        this.label = label;
    }

    /** Translates one SSE event; an in-stream error object throws the mapped {@link GatewayException}. */
    @Override
    public void onEvent(SseEvent event) {
        ObjectNode data = Json.objectOrNull(event.data());
        if (data == null) {
            throw GeminiErrors.badResponse("sent a stream event that is not a JSON object", apiKey);
        }
        if (data.path("error").isObject()) {
            throw GeminiErrors.fromStreamError(data.get("error"), apiKey, label);
        }
        if (id == null) {
            id = GeminiMapper.id(data);
        }
        model = data.path("modelVersion").asText(model);
        if (data.path("usageMetadata").isObject()) {
            usage = data.get("usageMetadata"); // cumulative: the latest report holds the totals so far
        }
        JsonNode candidate = data.path("candidates").path(0);
        if (candidate.isMissingNode()) {
            if (data.path("promptFeedback").hasNonNull("blockReason")) {
                emit(F.objectNode(), "content_filter");
                finished = true;
            }
            return;
        }
        for (JsonNode part : candidate.path("content").path("parts")) {
            if (part.has("functionCall")) {
                ObjectNode call = GeminiMapper.toolCall(part);
                call.put("index", nextToolIndex++);
                ObjectNode delta = F.objectNode();
                delta.putArray("tool_calls").add(call);
                emit(delta, null);
            } else if (part.path("thought").asBoolean(false)) {
                emitIfText("reasoning_content", part.path("text").asText(""));
            } else {
                emitIfText("content", part.path("text").asText(""));
            }
        }
        String finish = GeminiMapper.finishReason(candidate.path("finishReason").asText(null), nextToolIndex > 0);
        if (finish != null && !finished) {
            emit(F.objectNode(), finish);
            finished = true;
        }
    }

    /** The upstream closed the stream: the usage chunk goes out, unless no event ever carried a finish reason. */
    @Override
    public void onEnd() {
        if (!finished) {
            throw new GatewayException(
                    502,
                    "api_error",
                    "gemini stream ended without a finish reason",
                    null,
                    "upstream_stream_truncated",
                    true);
        }
        sink.accept(OpenAiShapes.usageChunk(
                id == null ? "chatcmpl-gemini" : id, created, model, GeminiMapper.usage(usage)));
    }

    private void emitIfText(String field, String text) {
        if (!text.isEmpty()) {
            emit(F.objectNode().put(field, text), null);
        }
    }

    private void emit(ObjectNode delta, String finishReason) {
        String chunkId = id == null ? "chatcmpl-gemini" : id;
        if (!roleSent) {
            roleSent = true;
            sink.accept(OpenAiShapes.chunk(
                    chunkId,
                    created,
                    model,
                    F.objectNode().put("role", "assistant").put("content", ""),
                    null));
        }
        sink.accept(OpenAiShapes.chunk(chunkId, created, model, delta, finishReason));
    }
}
