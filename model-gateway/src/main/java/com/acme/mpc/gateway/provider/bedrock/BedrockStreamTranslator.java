package com.acme.mpc.gateway.provider.bedrock;

import com.acme.mpc.gateway.core.GatewayException;
import com.acme.mpc.gateway.core.Json;
import com.acme.mpc.gateway.core.OpenAiShapes;
import com.acme.mpc.gateway.core.Usage;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One ConverseStream answer as OpenAI {@code chat.completion.chunk}s. Stateful, one instance per stream: tool calls
 * are announced by {@code contentBlockStart} and their input streams as JSON text under the same
 * {@code contentBlockIndex}, which needs an OpenAI tool index; the stop reason ({@code messageStop}) comes before the
 * usage ({@code metadata}), so the usage chunk goes out when the stream ends.
 */
public final class BedrockStreamTranslator {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private final String id;
    private final long created;
    private final String model;
    private final Consumer<ObjectNode> sink;
    private final String secret;
    private final String jsonTool;
    private final Map<Integer, Integer> toolIndexByBlock = new HashMap<>();
    private Usage usage = Usage.ZERO;
    private Integer jsonBlock;
    private boolean roleSent;
    private boolean stopped;

    /**
     * @param id the chunk id (Converse sends none)
     * @param secret only to scrub it from upstream error messages
     */
    public BedrockStreamTranslator(String id, long created, String model, Consumer<ObjectNode> sink, String secret) {
        this(id, created, model, sink, secret, null);
    }

    /**
     * @param jsonTool the tool standing for {@code response_format} ({@link BedrockJsonMode#toolName}): its streamed
     *     input is relayed as content; null when the request asked for no JSON
     */
    public BedrockStreamTranslator(
            String id, long created, String model, Consumer<ObjectNode> sink, String secret, String jsonTool) {
        this.jsonTool = jsonTool;
        this.id = id;
        this.created = created;
        this.model = model;
        this.sink = sink;
        this.secret = secret;
    }

    /** Translates one event stream message; an exception message throws the mapped {@link GatewayException}. */
    public void onMessage(EventStreamDecoder.Message message) {
        String messageType = message.header(":message-type");
        if ("exception".equals(messageType)) {
            throw BedrockErrors.fromStreamException(message.header(":exception-type"), message.payload(), secret);
        }
        if ("error".equals(messageType)) {
            String code = message.header(":error-code");
            String text = message.header(":error-message");
            throw BedrockErrors.fromStreamException(
                    code, Json.toBytes(F.objectNode().put("message", text == null ? "" : text)), secret);
        }
        if (messageType != null && !"event".equals(messageType)) {
            return;
        }
        ObjectNode data = Json.objectOrNull(message.payload());
        if (data == null) {
            throw BedrockErrors.badResponse("sent a stream event that is not a JSON object", secret);
        }
        String eventType = message.header(":event-type");
        switch (eventType == null ? "" : eventType) {
            case "messageStart" -> emitRole();
            case "contentBlockStart" -> onBlockStart(data);
            case "contentBlockDelta" -> onBlockDelta(data);
            case "messageStop" -> {
                String finish =
                        BedrockMapper.finishReason(data.path("stopReason").asText(null));
                if (jsonBlock != null && toolIndexByBlock.isEmpty() && "tool_calls".equals(finish)) {
                    finish = "stop"; // the client asked for JSON, not for a tool call
                }
                emit(F.objectNode(), finish == null ? "stop" : finish);
                stopped = true;
            }
            case "metadata" -> {
                if (data.path("usage").isObject()) {
                    usage = BedrockMapper.usage(data.get("usage"));
                }
            }
            default -> {
                // contentBlockStop and events added later carry nothing a chat chunk needs
            }
        }
    }

    /** The upstream closed the stream: the usage chunk goes out, unless the answer never stopped. */
    public void onEnd() {
        if (!stopped) {
            throw new GatewayException(
                    502,
                    "api_error",
                    "bedrock stream ended without messageStop",
                    null,
                    "upstream_stream_truncated",
                    true);
        }
        sink.accept(OpenAiShapes.usageChunk(id, created, model, usage));
    }

    private void onBlockStart(ObjectNode data) {
        JsonNode toolUse = data.path("start").path("toolUse");
        if (!toolUse.isObject()) {
            return;
        }
        if (jsonBlock == null && BedrockMapper.isJsonTool(toolUse, jsonTool)) {
            jsonBlock = data.path("contentBlockIndex").asInt();
            return;
        }
        int index = toolIndexByBlock.size();
        toolIndexByBlock.put(data.path("contentBlockIndex").asInt(), index);
        ObjectNode call = BedrockMapper.toolCall(toolUse, "");
        call.put("index", index);
        ObjectNode delta = F.objectNode();
        delta.putArray("tool_calls").add(call);
        emit(delta, null);
    }

    private void onBlockDelta(ObjectNode data) {
        JsonNode delta = data.path("delta");
        if (delta.has("text")) {
            emitText("content", delta.path("text").asText(""));
        } else if (delta.path("toolUse").isObject()
                && jsonBlock != null
                && jsonBlock == data.path("contentBlockIndex").asInt()) {
            emitText("content", delta.path("toolUse").path("input").asText(""));
        } else if (delta.path("toolUse").isObject()) {
            Integer index = toolIndexByBlock.get(data.path("contentBlockIndex").asInt());
            if (index == null) {
                throw BedrockErrors.badResponse("streamed tool input for a block it never started", secret);
            }
            String input = delta.path("toolUse").path("input").asText("");
            if (input.isEmpty()) {
                return;
            }
            ObjectNode call = F.objectNode().put("index", index);
            call.putObject("function").put("arguments", input);
            ObjectNode out = F.objectNode();
            out.putArray("tool_calls").add(call);
            emit(out, null);
        } else if (delta.path("reasoningContent").isObject()) {
            emitText(
                    "reasoning_content",
                    delta.path("reasoningContent").path("text").asText(""));
        }
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

    private void emit(ObjectNode delta, String finishReason) {
        emitRole();
        sink.accept(OpenAiShapes.chunk(id, created, model, delta, finishReason));
    }
}
