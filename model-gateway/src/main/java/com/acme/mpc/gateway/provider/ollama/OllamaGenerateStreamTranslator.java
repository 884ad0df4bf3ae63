package com.acme.mpc.gateway.provider.ollama;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Turns an {@code /api/generate} NDJSON stream into OpenAI {@code text_completion} chunks and a closing usage chunk.
 * Holds the id and creation time all chunks share. A new instance per stream.
 */
final class OllamaGenerateStreamTranslator extends NdjsonStreamDriver {
    private final String fallbackModel;
    private final String id = OllamaMapper.randomId("cmpl-");
    private String model;
    private long created;

    OllamaGenerateStreamTranslator(String fallbackModel, String apiKey) {
        super(apiKey);
        this.fallbackModel = fallbackModel;
    }

    @Override
    void onObject(ObjectNode obj, boolean last, Output<ObjectNode> out) {
        if (model == null) {
            model = obj.path("model").asText(fallbackModel);
            created = OllamaMapper.created(obj.get("created_at"));
        }
        String text = obj.path("response").asText("");
        if (last) {
            String finish = OllamaGenerateMapper.finishReason(obj);
            out.emit(OllamaGenerateMapper.textChunk(id, created, model, text, finish));
            out.emit(OllamaGenerateMapper.usageChunk(id, created, model, OllamaMapper.usage(obj)));
        } else if (!text.isEmpty()) {
            out.emit(OllamaGenerateMapper.textChunk(id, created, model, text, null));
        }
    }
}
