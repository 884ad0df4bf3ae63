package com.acme.mpc.gateway.surface.responses;

import com.acme.mpc.gateway.core.Usage;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Canonical {@code chat.completion.chunk}s as the Responses API's event stream, built incrementally: the response's
 * created and in-progress events with the first chunk, a message item when text starts, a function-call item per
 * tool call (by its OpenAI index), their deltas as they come, and every item's done events plus
 * {@code response.completed} once the upstream ends (OpenAI's usage chunk comes after the finish reason). Items stay
 * open until the end, so argument fragments of an earlier call that arrive after other output are never lost. One
 * instance per stream attempt.
 */
final class ChatStreamToResponses {
    private static final class Item {
        final int index;
        final String id;
        final boolean message;
        final String callId;
        final String name;
        final StringBuilder content = new StringBuilder();

        Item(int index, String id, boolean message, String callId, String name) {
            this.index = index;
            this.id = id;
            this.message = message;
            this.callId = callId;
            this.name = name;
        }
    }

    private final ObjectNode body;
    private final ResponsesCall call;
    private final String fallbackModel;
    private final ResponseEventSequence events = new ResponseEventSequence();
    private final List<Item> items = new ArrayList<>();
    private final Map<Integer, Item> tools = new LinkedHashMap<>();
    private Item message;
    private boolean started;
    private String model;
    private String finishReason;
    private Usage usage;
    private ObjectNode finished;

    ChatStreamToResponses(ObjectNode body, ResponsesCall call, String fallbackModel) {
        this.body = body;
        this.call = call;
        this.fallbackModel = fallbackModel;
    }

    /** The events one chunk yields (possibly none). */
    List<ResponsesEvent> onChunk(ObjectNode chunk) {
        List<ResponsesEvent> out = new ArrayList<>(3);
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
        String text = delta.path("content").asText("");
        if (!text.isEmpty()) {
            if (message == null) {
                message = new Item(items.size(), ResponsesCall.newId("msg_"), true, null, null);
                items.add(message);
                events.messageAdded(message.index, message.id, out);
            }
            message.content.append(text);
            events.textDelta(message.index, message.id, text, out);
        }
        for (JsonNode tc : delta.path("tool_calls")) {
            int openAiIndex = tc.path("index").asInt(0);
            Item item = tools.get(openAiIndex);
            if (item == null) {
                item = new Item(
                        items.size(),
                        ResponsesCall.newId("fc_"),
                        false,
                        tc.path("id").asText(""),
                        tc.path("function").path("name").asText(""));
                items.add(item);
                tools.put(openAiIndex, item);
                events.functionAdded(item.index, item.id, item.callId, item.name, out);
            }
            String args = tc.path("function").path("arguments").asText("");
            if (!args.isEmpty()) {
                item.content.append(args);
                events.argumentsDelta(item.index, item.id, args, out);
            }
        }
        String finish = choice.path("finish_reason").asText(null);
        if (finish != null) {
            finishReason = finish;
        }
        return out;
    }

    /** The finished response (once the upstream ended well): what is stored and what response.completed carries. */
    ObjectNode finish() {
        if (finished == null) {
            ObjectNode r = ResponseObjects.skeleton(body, call, model == null ? fallbackModel : model, "completed");
            ArrayNode output = (ArrayNode) r.get("output");
            for (Item item : items) {
                output.add(
                        item.message
                                ? ResponseObjects.messageItem(item.id, item.content.toString(), "completed")
                                : ResponseObjects.functionCallItem(
                                        item.id, item.callId, item.name, item.content.toString(), "completed"));
            }
            ResponseObjects.finish(r, finishReason);
            r.set("usage", ResponseObjects.usage(usage));
            finished = r;
        }
        return finished;
    }

    /** The closing events once the upstream ended well. */
    List<ResponsesEvent> onEnd() {
        List<ResponsesEvent> out = new ArrayList<>(items.size() * 3 + 3);
        start(null, out);
        for (Item item : items) {
            String content = item.content.toString();
            if (item.message) {
                events.messageDone(item.index, item.id, content, out);
            } else {
                events.functionDone(item.index, item.id, item.callId, item.name, content, out);
            }
        }
        events.finished(finish(), out);
        return out;
    }

    private void start(ObjectNode chunk, List<ResponsesEvent> out) {
        if (started) {
            return;
        }
        started = true;
        String m = chunk == null ? "" : chunk.path("model").asText("");
        model = m.isEmpty() ? null : m;
        events.started(ResponseObjects.skeleton(body, call, model == null ? fallbackModel : model, "in_progress"), out);
    }
}
