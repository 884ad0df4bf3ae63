package com.acme.mpc.gateway.provider.anthropic;

import com.acme.mpc.gateway.core.GatewayException;
import com.acme.mpc.gateway.core.Json;
import com.acme.mpc.gateway.core.OpenAiShapes;
import com.acme.mpc.gateway.provider.http.SseEvent;
import com.acme.mpc.gateway.provider.http.SseTranslator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One Anthropic Messages stream as OpenAI {@code chat.completion.chunk}s. Stateful, one instance per stream: the id
 * and input tokens arrive in {@code message_start}, the output tokens and stop reason in {@code message_delta}, and
 * tool calls need their own index because Anthropic's block index also counts text and thinking blocks.
 */
public final class AnthropicStreamTranslator implements SseTranslator {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private final long created;
    private final Consumer<ObjectNode> sink;
    private final String apiKey;
    private final Map<Integer, Integer> toolIndexByBlock = new HashMap<>();
    private final Set<Integer> jsonToolBlocks = new HashSet<>();
    private final ObjectNode usage = F.objectNode();
    private int nextToolIndex;
    private boolean sawRegularTool;
    private String id = "msg_unknown";
    private String model = "";
    private boolean roleSent;
    private boolean finished;

    /**
     * @param created epoch seconds of the stream start, the {@code created} of every chunk
     * @param apiKey only to scrub it from upstream error messages
     */
    public AnthropicStreamTranslator(long created, Consumer<ObjectNode> sink, String apiKey) {
        this.created = created;
        this.sink = sink;
        this.apiKey = apiKey;
    }

    /** Translates one SSE event; an {@code error} event throws the mapped {@link GatewayException}. */
    @Override
    public void onEvent(SseEvent event) {
        ObjectNode data = Json.objectOrNull(event.data());
        if (data == null) {
            throw new GatewayException(
                    502, "api_error", "anthropic sent a stream event that is not JSON", null, "bad_upstream", true);
        }
        String type = data.path("type").asText(event.event() == null ? "" : event.event());
        switch (type) {
            case "message_start" -> onMessageStart(data.path("message"));
            case "content_block_start" -> onBlockStart(data.path("index").asInt(), data.path("content_block"));
            case "content_block_delta" -> onBlockDelta(data.path("index").asInt(), data.path("delta"));
            case "message_delta" -> onMessageDelta(data);
            case "message_stop" -> onMessageStop();
            case "error" -> throw AnthropicErrors.fromStreamError(data, apiKey);
            default -> {
                // ping, content_block_stop, and event types Anthropic may add later (its docs ask clients to
                // ignore unknown ones)
            }
        }
    }

    /** The upstream closed the connection; without message_stop the answer was cut off. */
    @Override
    public void onEnd() {
        if (!finished) {
            throw new GatewayException(
                    502,
                    "api_error",
                    "anthropic stream ended before message_stop",
                    null,
                    "upstream_stream_truncated",
                    true);
        }
    }

    public boolean finished() {
        return finished;
    }

    private void onMessageStart(JsonNode message) {
        id = message.path("id").asText(id);
        model = message.path("model").asText(model);
        mergeUsage(message.path("usage"));
        // The role chunk waits for the first content: an overload error right after message_start then fails the
        // stream before any chunk went out, while the router can still retry or fall back, and the relay's
        // time-to-first-token measures a token rather than the message envelope.
    }

    private void onBlockStart(int index, JsonNode block) {
        switch (block.path("type").asText()) {
            case "text" -> emitText(block.path("text").asText(""));
            case "thinking" -> emitThinking(block.path("thinking").asText(""));
            case "tool_use" -> {
                String name = block.path("name").asText();
                if (AnthropicToolMapper.JSON_TOOL_NAME.equals(name)) {
                    // JSON mode: the tool input is the answer, streamed as content (see AnthropicToolMapper)
                    jsonToolBlocks.add(index);
                    return;
                }
                sawRegularTool = true;
                int toolIndex = nextToolIndex++;
                toolIndexByBlock.put(index, toolIndex);
                ObjectNode call = F.objectNode();
                call.put("index", toolIndex);
                call.put("id", block.path("id").asText());
                call.put("type", "function");
                call.putObject("function").put("name", name).put("arguments", "");
                ObjectNode delta = F.objectNode();
                delta.putArray("tool_calls").add(call);
                emit(delta, null);
            }
            default -> {
                // redacted_thinking, server_tool_use and its results have no OpenAI delta
            }
        }
    }

    private void onBlockDelta(int index, JsonNode delta) {
        switch (delta.path("type").asText()) {
            case "text_delta" -> emitText(delta.path("text").asText(""));
            case "thinking_delta" -> emitThinking(delta.path("thinking").asText(""));
            case "input_json_delta" -> {
                String fragment = delta.path("partial_json").asText("");
                if (fragment.isEmpty()) {
                    return;
                }
                if (jsonToolBlocks.contains(index)) {
                    emitText(fragment);
                    return;
                }
                Integer toolIndex = toolIndexByBlock.get(index);
                if (toolIndex == null) {
                    return; // a server tool's input
                }
                ObjectNode call = F.objectNode();
                call.put("index", toolIndex);
                call.putObject("function").put("arguments", fragment);
                ObjectNode d = F.objectNode();
                d.putArray("tool_calls").add(call);
                emit(d, null);
            }
            default -> {
                // signature_delta only matters to clients replaying thinking blocks; citations_delta has no
                // OpenAI counterpart
            }
        }
    }

    private void onMessageDelta(JsonNode data) {
        mergeUsage(data.path("usage"));
        String stopReason = data.path("delta").path("stop_reason").asText(null);
        if (stopReason != null) {
            String finish = AnthropicMapper.finishReason(stopReason);
            if ("tool_calls".equals(finish) && !jsonToolBlocks.isEmpty() && !sawRegularTool) {
                finish = "stop";
            }
            emit(F.objectNode(), finish);
        }
    }

    private void onMessageStop() {
        if (finished) {
            return;
        }
        finished = true;
        sink.accept(OpenAiShapes.usageChunk(id, created, model, AnthropicMapper.usage(usage)));
    }

    /** message_delta usage is cumulative: each field present replaces the earlier value. */
    private void mergeUsage(JsonNode update) {
        if (!update.isObject()) {
            return;
        }
        update.fields().forEachRemaining(e -> {
            if (e.getValue().isNumber()) {
                usage.set(e.getKey(), e.getValue());
            }
        });
    }

    private void emitText(String text) {
        if (!text.isEmpty()) {
            emit(F.objectNode().put("content", text), null);
        }
    }

    private void emitThinking(String text) {
        if (!text.isEmpty()) {
            emit(F.objectNode().put("reasoning_content", text), null);
        }
    }

    private void emit(ObjectNode delta, String finishReason) {
        if (!roleSent) {
            roleSent = true;
            sink.accept(OpenAiShapes.chunk(
                    id, created, model, F.objectNode().put("role", "assistant").put("content", ""), null));
        }
        sink.accept(OpenAiShapes.chunk(id, created, model, delta, finishReason));
    }
}
