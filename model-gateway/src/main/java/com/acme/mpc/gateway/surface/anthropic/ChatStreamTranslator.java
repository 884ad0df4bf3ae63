package com.acme.mpc.gateway.surface.anthropic;

import com.acme.mpc.gateway.core.Usage;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Canonical {@code chat.completion.chunk}s as Anthropic's stream events, built incrementally: {@code message_start}
 * (and a {@code ping}) with the first chunk, one content block per kind of output (thinking, text, each tool call by
 * its OpenAI index) opened and closed as the output moves on, and {@code message_delta} (stop reason, usage) and
 * {@code message_stop} once the upstream ends, because OpenAI's usage chunk comes after the finish reason. One
 * instance per stream attempt.
 */
final class ChatStreamTranslator {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private enum Block {
        NONE,
        THINKING,
        TEXT,
        TOOL
    }

    private final String fallbackModel;
    private boolean started;
    private Block open = Block.NONE;
    private int openToolIndex = -1;
    private int nextIndex;
    /** OpenAI tool-call index to Anthropic block index, for argument fragments that arrive after other output. */
    private final Map<Integer, Integer> toolBlocks = new HashMap<>();

    private String finishReason;
    private Usage usage;

    ChatStreamTranslator(String fallbackModel) {
        this.fallbackModel = fallbackModel;
    }

    /** The events one chunk yields (possibly none). */
    List<AnthropicEvent> onChunk(ObjectNode chunk) {
        List<AnthropicEvent> out = new ArrayList<>(3);
        start(chunk, out);
        JsonNode u = chunk.get("usage");
        if (u != null && u.isObject()) {
            usage = Usage.fromOpenAi(u);
        }
        JsonNode choice = chunk.path("choices").path(0);
        if (choice.isMissingNode()) {
            return out;
        }
        JsonNode delta = choice.path("delta");
        String reasoning = ChatToMessages.reasoning(delta);
        if (reasoning != null) {
            open(
                    Block.THINKING,
                    -1,
                    out,
                    F.objectNode().put("type", "thinking").put("thinking", "").put("signature", ""));
            out.add(delta("thinking_delta", "thinking", reasoning));
        }
        String text = delta.path("content").asText("");
        if (!text.isEmpty()) {
            open(Block.TEXT, -1, out, F.objectNode().put("type", "text").put("text", ""));
            out.add(delta("text_delta", "text", text));
        }
        for (JsonNode call : delta.path("tool_calls")) {
            toolCall(call, out);
        }
        String finish = choice.path("finish_reason").asText(null);
        if (finish != null) {
            finishReason = finish;
        }
        return out;
    }

    /** The closing events once the upstream ended well. */
    List<AnthropicEvent> onEnd() {
        List<AnthropicEvent> out = new ArrayList<>(4);
        start(null, out);
        close(out);
        ObjectNode md = F.objectNode().put("type", "message_delta");
        md.putObject("delta")
                .put("stop_reason", ChatToMessages.stopReason(finishReason))
                .putNull("stop_sequence");
        md.set("usage", AnthropicUsage.write(usage == null ? Usage.ZERO : usage));
        out.add(AnthropicEvent.of(md));
        out.add(AnthropicEvent.of(F.objectNode().put("type", "message_stop")));
        return out;
    }

    private void start(ObjectNode chunk, List<AnthropicEvent> out) {
        if (started) {
            return;
        }
        started = true;
        ObjectNode ms = F.objectNode().put("type", "message_start");
        ObjectNode message = ms.putObject("message");
        message.put(
                "id",
                ChatToMessages.messageId(chunk == null ? "" : chunk.path("id").asText("")));
        message.put("type", "message");
        message.put("role", "assistant");
        String model = chunk == null ? "" : chunk.path("model").asText("");
        message.put("model", model.isEmpty() ? fallbackModel : model);
        message.putArray("content");
        message.putNull("stop_reason");
        message.putNull("stop_sequence");
        // OpenAI-compatible servers report the prompt's tokens only at the end: message_delta carries them
        message.putObject("usage").put("input_tokens", 0).put("output_tokens", 0);
        out.add(AnthropicEvent.of(ms));
        out.add(AnthropicEvent.of(F.objectNode().put("type", "ping")));
    }

    private void toolCall(JsonNode call, List<AnthropicEvent> out) {
        int openAiIndex = call.path("index").asInt(0);
        Integer block = toolBlocks.get(openAiIndex);
        if (block == null) {
            ObjectNode use = F.objectNode().put("type", "tool_use");
            use.put("id", call.path("id").asText(""));
            use.put("name", call.path("function").path("name").asText(""));
            use.putObject("input");
            open(Block.TOOL, openAiIndex, out, use);
            toolBlocks.put(openAiIndex, nextIndex - 1);
        } else if (open != Block.TOOL || openToolIndex != openAiIndex) {
            // fragments of a call whose block was already closed cannot be reopened in Anthropic's stream
            return;
        }
        String args = call.path("function").path("arguments").asText("");
        if (!args.isEmpty()) {
            out.add(delta("input_json_delta", "partial_json", args));
        }
    }

    private void open(Block kind, int toolIndex, List<AnthropicEvent> out, ObjectNode contentBlock) {
        if (open == kind && (kind != Block.TOOL || openToolIndex == toolIndex)) {
            return;
        }
        close(out);
        ObjectNode start = F.objectNode().put("type", "content_block_start").put("index", nextIndex++);
        start.set("content_block", contentBlock);
        out.add(AnthropicEvent.of(start));
        open = kind;
        openToolIndex = toolIndex;
    }

    private void close(List<AnthropicEvent> out) {
        if (open == Block.NONE) {
            return;
        }
        out.add(AnthropicEvent.of(
                F.objectNode().put("type", "content_block_stop").put("index", nextIndex - 1)));
        open = Block.NONE;
        openToolIndex = -1;
    }

    private AnthropicEvent delta(String type, String field, String value) {
        ObjectNode d = F.objectNode().put("type", "content_block_delta").put("index", nextIndex - 1);
        d.putObject("delta").put("type", type).put(field, value);
        return AnthropicEvent.of(d);
    }
}
