package com.acme.mpc.gateway.provider.cohere;

import com.acme.mpc.gateway.core.GatewayException;
import com.acme.mpc.gateway.core.Json;
import com.acme.mpc.gateway.core.OpenAiShapes;
import com.acme.mpc.gateway.core.Usage;
import com.acme.mpc.gateway.provider.http.SseEvent;
import com.acme.mpc.gateway.provider.http.SseTranslator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.function.Consumer;

/**
 * One Cohere v2 chat stream ({@code message-start}, {@code content-delta}, {@code tool-call-start/-delta/-end},
 * {@code message-end}) as OpenAI {@code chat.completion.chunk}s. Stateful, one instance per stream: the finish reason
 * and the usage both arrive with {@code message-end}.
 */
public final class CohereStreamTranslator implements SseTranslator {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private final long created;
    private final String model;
    private final Consumer<ObjectNode> sink;
    private final String apiKey;
    private String id = "chatcmpl-cohere";
    private boolean roleSent;
    private boolean ended;
    private Usage usage = Usage.ZERO;

    public CohereStreamTranslator(long created, String model, Consumer<ObjectNode> sink, String apiKey) {
        this.created = created;
        this.model = model;
        this.sink = sink;
        this.apiKey = apiKey;
    }

    @Override
    public void onEvent(SseEvent event) {
        if (ended) {
            return;
        }
        ObjectNode data = Json.objectOrNull(event.data());
        if (data == null) {
            throw CohereErrors.badResponse("sent a stream event that is not a JSON object", apiKey);
        }
        String type = data.path("type").asText(event.event() == null ? "" : event.event());
        JsonNode message = data.path("delta").path("message");
        switch (type) {
            case "message-start" -> {
                id = data.path("id").asText(id);
                emitRole();
            }
            case "content-delta" -> {
                JsonNode content = message.path("content");
                emitText("content", content.path("text").asText(""));
                emitText("reasoning_content", content.path("thinking").asText(""));
            }
            case "tool-call-start" -> {
                ObjectNode call = CohereMapper.toolCall(message.path("tool_calls"));
                call.put("index", data.path("index").asInt());
                emitCall(call);
            }
            case "tool-call-delta" -> {
                String args = message.path("tool_calls")
                        .path("function")
                        .path("arguments")
                        .asText("");
                if (!args.isEmpty()) {
                    ObjectNode call =
                            F.objectNode().put("index", data.path("index").asInt());
                    call.putObject("function").put("arguments", args);
                    emitCall(call);
                }
            }
            case "message-end" -> {
                JsonNode delta = data.path("delta");
                if (delta.has("error")) {
                    throw new GatewayException(
                            502,
                            "api_error",
                            "cohere: " + delta.path("error").asText(),
                            null,
                            "upstream_stream_error",
                            true);
                }
                usage = CohereMapper.usage(delta.path("usage"));
                String finish =
                        CohereMapper.finishReason(delta.path("finish_reason").asText(null));
                emit(F.objectNode(), finish == null ? "stop" : finish);
                ended = true;
            }
            default -> {
                // content-start/-end, tool-plan-delta, tool-call-end, citation-*, debug: nothing for a chat chunk
            }
        }
    }

    @Override
    public void onEnd() {
        if (!ended) {
            throw new GatewayException(
                    502,
                    "api_error",
                    "cohere stream ended without message-end",
                    null,
                    "upstream_stream_truncated",
                    true);
        }
        sink.accept(OpenAiShapes.usageChunk(id, created, model, usage));
    }

    private void emitCall(ObjectNode call) {
        ObjectNode delta = F.objectNode();
        delta.putArray("tool_calls").add(call);
        emit(delta, null);
    }

    private void emitText(String field, String text) {
        if (!text.isEmpty()) {
            emit(F.objectNode().put(field, text), null);
        }
    }

    private void emitRole() {
        if (!roleSent) {
            roleSent = true;
            sink.accept(OpenAiShapes.chunk(
                    id, created, model, F.objectNode().put("role", "assistant").put("content", ""), null));
        }
    }

    private void emit(ObjectNode delta, String finish) {
        emitRole();
        sink.accept(OpenAiShapes.chunk(id, created, model, delta, finish));
    }
}
