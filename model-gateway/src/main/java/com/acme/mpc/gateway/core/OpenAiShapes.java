package com.acme.mpc.gateway.core;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Builders for the OpenAI response objects that translators emit. */
public final class OpenAiShapes {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private OpenAiShapes() {}

    /** A {@code chat.completion.chunk} with one choice (index 0) carrying {@code delta}. */
    public static ObjectNode chunk(String id, long created, String model, ObjectNode delta, String finishReason) {
        ObjectNode chunk = chunkEnvelope(id, created, model);
        ObjectNode choice = chunk.putArray("choices").addObject();
        choice.put("index", 0);
        choice.set("delta", delta == null ? F.objectNode() : delta);
        choice.putNull("logprobs");
        if (finishReason == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finishReason);
        }
        return chunk;
    }

    /** A {@code text_completion} object (or stream chunk) with one choice (index 0) carrying {@code text}. */
    public static ObjectNode textCompletion(String id, long created, String model, String text, String finishReason) {
        ObjectNode out = F.objectNode();
        out.put("id", id);
        out.put("object", "text_completion");
        out.put("created", created);
        out.put("model", model);
        ObjectNode choice = out.putArray("choices").addObject();
        choice.put("text", text);
        choice.put("index", 0);
        choice.putNull("logprobs");
        if (finishReason == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finishReason);
        }
        return out;
    }

    /** The final {@code stream_options.include_usage} chunk: empty choices and the usage. */
    public static ObjectNode usageChunk(String id, long created, String model, Usage usage) {
        ObjectNode chunk = chunkEnvelope(id, created, model);
        chunk.putArray("choices");
        usage.writeOpenAi(chunk.putObject("usage"));
        return chunk;
    }

    public static boolean isUsageChunk(ObjectNode chunk) {
        return chunk.path("usage").isObject() && chunk.path("choices").isEmpty();
    }

    /** A non-streamed {@code chat.completion} with one assistant choice. */
    public static ObjectNode completion(
            String id, long created, String model, ObjectNode message, String finishReason, Usage usage) {
        ObjectNode out = F.objectNode();
        out.put("id", id);
        out.put("object", "chat.completion");
        out.put("created", created);
        out.put("model", model);
        ArrayNode choices = out.putArray("choices");
        ObjectNode choice = choices.addObject();
        choice.put("index", 0);
        choice.set("message", message);
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason);
        if (usage != null) {
            usage.writeOpenAi(out.putObject("usage"));
        }
        return out;
    }

    private static ObjectNode chunkEnvelope(String id, long created, String model) {
        ObjectNode chunk = F.objectNode();
        chunk.put("id", id);
        chunk.put("object", "chat.completion.chunk");
        chunk.put("created", created);
        chunk.put("model", model);
        return chunk;
    }
}
