package com.acme.mpc.gateway.surface.responses;

import com.acme.mpc.gateway.core.Json;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * Builds the events of a Responses API stream in OpenAI's order and shapes, each with the next
 * {@code sequence_number}: {@code response.created} and {@code response.in_progress}; per message item
 * {@code output_item.added}, {@code content_part.added}, {@code output_text.delta}..., {@code output_text.done},
 * {@code content_part.done}, {@code output_item.done}; per function call {@code output_item.added},
 * {@code function_call_arguments.delta}..., {@code function_call_arguments.done}, {@code output_item.done}; and
 * {@code response.completed} (or {@code response.incomplete}).
 */
final class ResponseEventSequence {
    private int sequence;

    private ResponsesEvent event(String type, ObjectNode fields) {
        ObjectNode data = Json.MAPPER.createObjectNode();
        data.put("type", type);
        data.setAll(fields);
        data.put("sequence_number", sequence++);
        return new ResponsesEvent(type, data, null);
    }

    private static ObjectNode fields() {
        return Json.MAPPER.createObjectNode();
    }

    void started(ObjectNode response, List<ResponsesEvent> out) {
        ObjectNode r = response.deepCopy();
        r.put("status", "in_progress");
        r.putArray("output");
        r.putNull("usage");
        out.add(event("response.created", fields().set("response", r)));
        out.add(event("response.in_progress", fields().set("response", r.deepCopy())));
    }

    void messageAdded(int index, String id, List<ResponsesEvent> out) {
        ObjectNode f = fields().put("output_index", index);
        f.set("item", ResponseObjects.messageItem(id, null, "in_progress"));
        out.add(event("response.output_item.added", f));
        ObjectNode p = fields().put("item_id", id).put("output_index", index).put("content_index", 0);
        p.set("part", ResponseObjects.textPart(""));
        out.add(event("response.content_part.added", p));
    }

    void textDelta(int index, String id, String delta, List<ResponsesEvent> out) {
        ObjectNode f = fields().put("item_id", id).put("output_index", index).put("content_index", 0);
        f.put("delta", delta);
        f.putArray("logprobs");
        out.add(event("response.output_text.delta", f));
    }

    void messageDone(int index, String id, String text, List<ResponsesEvent> out) {
        ObjectNode t = fields().put("item_id", id).put("output_index", index).put("content_index", 0);
        t.put("text", text);
        t.putArray("logprobs");
        out.add(event("response.output_text.done", t));
        ObjectNode p = fields().put("item_id", id).put("output_index", index).put("content_index", 0);
        p.set("part", ResponseObjects.textPart(text));
        out.add(event("response.content_part.done", p));
        ObjectNode f = fields().put("output_index", index);
        f.set("item", ResponseObjects.messageItem(id, text, "completed"));
        out.add(event("response.output_item.done", f));
    }

    void functionAdded(int index, String id, String callId, String name, List<ResponsesEvent> out) {
        ObjectNode f = fields().put("output_index", index);
        f.set("item", ResponseObjects.functionCallItem(id, callId, name, "", "in_progress"));
        out.add(event("response.output_item.added", f));
    }

    void argumentsDelta(int index, String id, String delta, List<ResponsesEvent> out) {
        out.add(event(
                "response.function_call_arguments.delta",
                fields().put("item_id", id).put("output_index", index).put("delta", delta)));
    }

    void functionDone(int index, String id, String callId, String name, String args, List<ResponsesEvent> out) {
        out.add(event(
                "response.function_call_arguments.done",
                fields().put("item_id", id).put("output_index", index).put("arguments", args)));
        ObjectNode f = fields().put("output_index", index);
        f.set("item", ResponseObjects.functionCallItem(id, callId, name, args, "completed"));
        out.add(event("response.output_item.done", f));
    }

    /** {@code response.completed}, or {@code response.incomplete} when the answer was cut short. */
    void finished(ObjectNode response, List<ResponsesEvent> out) {
        String type =
                "incomplete".equals(response.path("status").asText()) ? "response.incomplete" : "response.completed";
        out.add(event(type, fields().set("response", response)));
    }

    /** The whole stream of a finished response (a cached answer replayed to a streaming client). */
    static List<ResponsesEvent> replay(ObjectNode response) {
        ResponseEventSequence seq = new ResponseEventSequence();
        List<ResponsesEvent> out = new java.util.ArrayList<>();
        seq.started(response, out);
        int index = 0;
        for (var item : response.path("output")) {
            String id = item.path("id").asText();
            switch (item.path("type").asText()) {
                case "message" -> {
                    String text = item.path("content").path(0).path("text").asText("");
                    seq.messageAdded(index, id, out);
                    seq.textDelta(index, id, text, out);
                    seq.messageDone(index, id, text, out);
                }
                case "function_call" -> {
                    String callId = item.path("call_id").asText();
                    String name = item.path("name").asText();
                    String args = item.path("arguments").asText("");
                    seq.functionAdded(index, id, callId, name, out);
                    seq.argumentsDelta(index, id, args, out);
                    seq.functionDone(index, id, callId, name, args, out);
                }
                default -> {}
            }
            index++;
        }
        seq.finished(response, out);
        return out;
    }
}
