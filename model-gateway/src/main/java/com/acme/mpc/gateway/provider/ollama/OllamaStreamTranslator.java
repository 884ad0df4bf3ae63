package com.acme.mpc.gateway.provider.ollama;

import com.acme.mpc.gateway.core.OpenAiShapes;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Turns an {@code /api/chat} NDJSON stream into OpenAI {@code chat.completion.chunk}s. State that spans lines: the
 * completion id and creation time every chunk repeats, whether the role was announced, the running tool-call index,
 * and whether any tool call was seen (which decides the finish reason on the {@code done} line). A new instance per
 * stream.
 */
final class OllamaStreamTranslator extends NdjsonStreamDriver {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private final String fallbackModel;
    private final String id = OllamaMapper.randomId("chatcmpl-");
    private String model;
    private long created;
    private boolean roleSent;
    private int toolCallCount;

    OllamaStreamTranslator(String fallbackModel, String apiKey) {
        super(apiKey);
        this.fallbackModel = fallbackModel;
    }

    @Override
    void onObject(ObjectNode obj, boolean last, Output<ObjectNode> out) {
        if (model == null) {
            model = obj.path("model").asText(fallbackModel);
            created = OllamaMapper.created(obj.get("created_at"));
        }
        ObjectNode delta = delta(obj.path("message"));
        if (last) {
            String finish = OllamaMapper.finishReason(obj.path("done_reason").asText(null), toolCallCount > 0);
            out.emit(OpenAiShapes.chunk(id, created, model, delta, finish));
            out.emit(OpenAiShapes.usageChunk(id, created, model, OllamaMapper.usage(obj)));
        } else if (!delta.isEmpty()) {
            out.emit(OpenAiShapes.chunk(id, created, model, delta, null));
        }
    }

    private ObjectNode delta(JsonNode message) {
        ObjectNode delta = F.objectNode();
        if (!roleSent) {
            delta.put("role", "assistant");
            roleSent = true;
        }
        String content = message.path("content").asText("");
        if (!content.isEmpty()) {
            delta.put("content", content);
        }
        String thinking = message.path("thinking").asText("");
        if (!thinking.isEmpty()) {
            delta.put("reasoning_content", thinking);
        }
        JsonNode calls = message.path("tool_calls");
        if (calls.isArray() && !calls.isEmpty()) {
            ArrayNode toolCalls = delta.putArray("tool_calls");
            for (JsonNode call : calls) {
                // Ollama sends each tool call whole in one line, so each becomes one complete OpenAI delta.
                toolCalls.add(OllamaMapper.toOpenAiToolCall(call, toolCallCount++));
            }
        }
        return delta;
    }
}
