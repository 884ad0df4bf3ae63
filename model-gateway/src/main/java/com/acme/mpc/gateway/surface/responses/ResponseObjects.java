package com.acme.mpc.gateway.surface.responses;

import com.acme.mpc.gateway.core.Json;
import com.acme.mpc.gateway.core.Usage;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The Responses API's objects as the gateway builds them for translated answers: the response, its items, usage. */
final class ResponseObjects {
    private ResponseObjects() {}

    /**
     * The response object for {@code body} with no output yet: every field OpenAI's response carries, the request's
     * own settings echoed as OpenAI echoes them.
     */
    static ObjectNode skeleton(ObjectNode body, ResponsesCall call, String model, String status) {
        ObjectNode r = Json.MAPPER.createObjectNode();
        r.put("id", call.id);
        r.put("object", "response");
        r.put("created_at", call.createdAt);
        r.put("status", status);
        r.put("background", false);
        r.putNull("error");
        r.putNull("incomplete_details");
        echo(body, r, "instructions");
        echo(body, r, "max_output_tokens");
        r.put("model", model);
        r.putArray("output");
        r.put("parallel_tool_calls", body.path("parallel_tool_calls").asBoolean(true));
        if (call.previousId == null) {
            r.putNull("previous_response_id");
        } else {
            r.put("previous_response_id", call.previousId);
        }
        ObjectNode reasoning = r.putObject("reasoning");
        echo(body.path("reasoning"), reasoning, "effort");
        reasoning.putNull("summary");
        r.put("store", call.store);
        echo(body, r, "temperature");
        ObjectNode text = r.putObject("text");
        JsonNode format = body.path("text").path("format");
        if (format.isObject()) {
            text.set("format", format);
        } else {
            text.putObject("format").put("type", "text");
        }
        if (body.hasNonNull("tool_choice")) {
            r.set("tool_choice", body.get("tool_choice"));
        } else {
            r.put("tool_choice", "auto");
        }
        if (body.get("tools") instanceof com.fasterxml.jackson.databind.node.ArrayNode tools) {
            r.set("tools", tools);
        } else {
            r.putArray("tools");
        }
        echo(body, r, "top_p");
        r.put("truncation", "disabled");
        r.putNull("usage");
        echo(body, r, "user");
        if (body.get("metadata") instanceof ObjectNode metadata) {
            r.set("metadata", metadata);
        } else {
            r.putObject("metadata");
        }
        return r;
    }

    private static void echo(JsonNode from, ObjectNode to, String field) {
        JsonNode v = from.get(field);
        if (v == null || v.isNull()) {
            to.putNull(field);
        } else {
            to.set(field, v);
        }
    }

    static ObjectNode messageItem(String id, String text, String status) {
        ObjectNode m = Json.MAPPER.createObjectNode();
        m.put("id", id);
        m.put("type", "message");
        m.put("status", status);
        m.put("role", "assistant");
        if (text == null) {
            m.putArray("content");
        } else {
            m.putArray("content").add(textPart(text));
        }
        return m;
    }

    static ObjectNode textPart(String text) {
        ObjectNode p = Json.MAPPER.createObjectNode();
        p.put("type", "output_text");
        p.putArray("annotations");
        p.putArray("logprobs");
        p.put("text", text);
        return p;
    }

    static ObjectNode functionCallItem(String id, String callId, String name, String arguments, String status) {
        ObjectNode f = Json.MAPPER.createObjectNode();
        f.put("id", id);
        f.put("type", "function_call");
        f.put("status", status);
        f.put("arguments", arguments);
        f.put("call_id", callId);
        f.put("name", name);
        return f;
    }

    /** Usage in the Responses API's shape. */
    static ObjectNode usage(Usage u) {
        Usage usage = u == null ? Usage.ZERO : u;
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("input_tokens", usage.promptTokens());
        o.putObject("input_tokens_details").put("cached_tokens", usage.cachedReadTokens());
        o.put("output_tokens", usage.completionTokens());
        o.putObject("output_tokens_details").put("reasoning_tokens", usage.reasoningTokens());
        o.put("total_tokens", usage.totalTokens());
        return o;
    }

    /** Reads the Responses API's usage ({@code input_tokens} include cached ones, output the reasoning). */
    static Usage usage(JsonNode u) {
        if (u == null || !u.isObject()) {
            return null;
        }
        return new Usage(
                u.path("input_tokens").asLong(0),
                u.path("output_tokens").asLong(0),
                u.path("input_tokens_details").path("cached_tokens").asLong(0),
                0,
                u.path("output_tokens_details").path("reasoning_tokens").asLong(0));
    }

    /** The status and incomplete details of a finished answer from chat's finish reason. */
    static void finish(ObjectNode response, String finishReason) {
        if ("length".equals(finishReason)) {
            response.put("status", "incomplete");
            response.putObject("incomplete_details").put("reason", "max_output_tokens");
        } else if ("content_filter".equals(finishReason)) {
            response.put("status", "incomplete");
            response.putObject("incomplete_details").put("reason", "content_filter");
        } else {
            response.put("status", "completed");
        }
    }
}
