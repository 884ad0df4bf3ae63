package com.acme.mpc.gateway.cache;

import com.acme.mpc.gateway.core.CallType;
import com.acme.mpc.gateway.core.OpenAiShapes;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Rebuilds the non-streamed answer from the chunks of a stream (choice 0: text, tool calls, finish reason; usage), so
 * a streamed answer can be cached and served again to streaming and non-streaming clients alike.
 */
public final class StreamAssembler {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private final CallType type;
    private final StringBuilder content = new StringBuilder();
    private final List<ObjectNode> toolCalls = new ArrayList<>();
    private final List<StringBuilder> toolArgs = new ArrayList<>();
    private String id;
    private long created;
    private String model;
    private String finishReason;
    private JsonNode usage;
    private boolean multipleChoices;

    public StreamAssembler(CallType type) {
        this.type = type;
    }

    public void reset() {
        content.setLength(0);
        toolCalls.clear();
        toolArgs.clear();
        finishReason = null;
        usage = null;
        multipleChoices = false;
    }

    public void accept(ObjectNode chunk) {
        if (id == null) {
            id = chunk.path("id").asText(null);
            created = chunk.path("created").asLong(0);
            model = chunk.path("model").asText(null);
        }
        JsonNode u = chunk.get("usage");
        if (u != null && u.isObject()) {
            usage = u.deepCopy();
        }
        JsonNode choices = chunk.get("choices");
        if (choices == null || !choices.isArray()) {
            return;
        }
        for (JsonNode c : choices) {
            if (c.path("index").asInt(0) != 0) {
                multipleChoices = true;
                continue;
            }
            String fr = c.path("finish_reason").asText(null);
            if (fr != null && !c.path("finish_reason").isNull()) {
                finishReason = fr;
            }
            if (type == CallType.TEXT_COMPLETION) {
                content.append(c.path("text").asText(""));
                continue;
            }
            JsonNode delta = c.path("delta");
            JsonNode text = delta.get("content");
            if (text != null && text.isTextual()) {
                content.append(text.asText());
            }
            JsonNode tools = delta.get("tool_calls");
            if (tools != null && tools.isArray()) {
                for (JsonNode t : tools) {
                    int i = t.path("index").asInt(0);
                    while (toolCalls.size() <= i) {
                        toolCalls.add(F.objectNode());
                        toolArgs.add(new StringBuilder());
                    }
                    ObjectNode call = toolCalls.get(i);
                    if (t.hasNonNull("id")) {
                        call.put("id", t.get("id").asText());
                    }
                    call.put("type", "function");
                    JsonNode fn = t.path("function");
                    if (fn.hasNonNull("name")) {
                        call.put("name", fn.get("name").asText());
                    }
                    toolArgs.get(i).append(fn.path("arguments").asText(""));
                }
            }
        }
    }

    /** The assembled answer; null when the stream is not cacheable (several choices, or no finish). */
    public ObjectNode build() {
        if (multipleChoices || finishReason == null) {
            return null;
        }
        ObjectNode out = F.objectNode();
        out.put("id", id);
        out.put("created", created);
        out.put("model", model);
        ArrayNode choices = out.putArray("choices");
        ObjectNode choice = choices.addObject();
        choice.put("index", 0);
        if (type == CallType.TEXT_COMPLETION) {
            out.put("object", "text_completion");
            choice.put("text", content.toString());
            choice.putNull("logprobs");
        } else {
            out.put("object", "chat.completion");
            ObjectNode message = choice.putObject("message");
            message.put("role", "assistant");
            if (content.length() > 0 || toolCalls.isEmpty()) {
                message.put("content", content.toString());
            } else {
                message.putNull("content");
            }
            if (!toolCalls.isEmpty()) {
                ArrayNode calls = message.putArray("tool_calls");
                for (int i = 0; i < toolCalls.size(); i++) {
                    ObjectNode t = toolCalls.get(i);
                    ObjectNode call = calls.addObject();
                    call.put("id", t.path("id").asText(null));
                    call.put("type", "function");
                    ObjectNode fn = call.putObject("function");
                    fn.put("name", t.path("name").asText(null));
                    fn.put("arguments", toolArgs.get(i).toString());
                }
            }
            choice.putNull("logprobs");
        }
        choice.put("finish_reason", finishReason);
        if (usage != null) {
            out.set("usage", usage);
        }
        return out;
    }

    /** Replays a stored answer as stream chunks (content in one chunk, then the finish, then optionally usage). */
    public static List<ObjectNode> chunks(CallType type, ObjectNode answer, boolean includeUsage) {
        List<ObjectNode> out = new ArrayList<>(3);
        String id = answer.path("id").asText("cached");
        long created = answer.path("created").asLong(0);
        String model = answer.path("model").asText(null);
        JsonNode choice = answer.path("choices").path(0);
        String finish = choice.path("finish_reason").asText("stop");
        if (type == CallType.TEXT_COMPLETION) {
            out.add(OpenAiShapes.textCompletion(
                    id, created, model, choice.path("text").asText(""), null));
            out.add(OpenAiShapes.textCompletion(id, created, model, "", finish));
        } else {
            JsonNode message = choice.path("message");
            ObjectNode delta = F.objectNode().put("role", "assistant");
            JsonNode content = message.get("content");
            if (content != null && content.isTextual()) {
                delta.put("content", content.asText());
            }
            JsonNode tools = message.get("tool_calls");
            if (tools != null && tools.isArray() && !tools.isEmpty()) {
                ArrayNode calls = delta.putArray("tool_calls");
                for (int i = 0; i < tools.size(); i++) {
                    ObjectNode call = tools.get(i).deepCopy();
                    call.put("index", i);
                    calls.add(call);
                }
            }
            out.add(OpenAiShapes.chunk(id, created, model, delta, null));
            out.add(OpenAiShapes.chunk(id, created, model, F.objectNode(), finish));
        }
        JsonNode usage = answer.get("usage");
        if (includeUsage && usage != null && usage.isObject()) {
            ObjectNode u = F.objectNode();
            u.put("id", id);
            u.put("object", type == CallType.TEXT_COMPLETION ? "text_completion" : "chat.completion.chunk");
            u.put("created", created);
            u.put("model", model);
            u.putArray("choices");
            u.set("usage", usage.deepCopy());
            out.add(u);
        }
        return out;
    }
}
