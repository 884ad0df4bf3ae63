package com.acme.mpc.gateway.surface.responses;

import com.acme.mpc.gateway.core.GatewayException;
import com.acme.mpc.gateway.core.Json;
import com.acme.mpc.gateway.core.Usage;
import com.acme.mpc.gateway.surface.SurfaceStream;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;

/**
 * The Responses API's SSE towards the client: passed-through events as their exact upstream bytes, built ones as
 * {@code event: <type>} + {@code data: <json>}. Reads the model from {@code response.created} and usage from the
 * final response ({@code response.completed}, {@code .incomplete} or {@code .failed}); that final response is also
 * the whole answer for the cache. A failure after the first byte is an {@code error} event and
 * {@code response.failed}, numbered after the last event relayed.
 */
final class ResponsesStream implements SurfaceStream<ResponsesEvent> {
    private static final byte[] EVENT = "event: ".getBytes();
    private static final byte[] DATA = "\ndata: ".getBytes();
    private static final byte[] END = "\n\n".getBytes();

    private boolean assembling;
    private ObjectNode lastResponse;
    private ObjectNode finalResponse;
    private String model;
    private Usage usage;
    private long relayedChars;
    private long nextSequence;

    @Override
    public boolean encode(ResponsesEvent e, Buffer out) {
        meter(e);
        if (e.raw() != null) {
            out.appendBytes(e.raw());
        } else {
            write(e.type(), e.data(), out);
        }
        return true;
    }

    private static void write(String type, ObjectNode data, Buffer out) {
        out.appendBytes(EVENT)
                .appendString(type)
                .appendBytes(DATA)
                .appendBytes(Json.toBytes(data))
                .appendBytes(END);
    }

    private void meter(ResponsesEvent e) {
        ObjectNode data = e.data();
        if (data == null || e.type() == null) {
            return;
        }
        JsonNode seq = data.get("sequence_number");
        if (seq != null && seq.canConvertToLong()) {
            nextSequence = Math.max(nextSequence, seq.asLong() + 1);
        }
        switch (e.type()) {
            case "response.created", "response.in_progress" -> {
                if (data.get("response") instanceof ObjectNode r) {
                    lastResponse = r;
                    model = r.path("model").asText(model);
                }
            }
            case "response.completed", "response.incomplete", "response.failed" -> {
                if (data.get("response") instanceof ObjectNode r) {
                    lastResponse = r;
                    finalResponse = r;
                    model = r.path("model").asText(model);
                    Usage u = ResponseObjects.usage(r.get("usage"));
                    if (u != null) {
                        usage = u;
                    }
                }
            }
            case "response.output_text.delta", "response.function_call_arguments.delta" ->
                relayedChars += data.path("delta").asText("").length();
            default -> {}
        }
    }

    @Override
    public Usage usage() {
        return usage;
    }

    @Override
    public String model() {
        return model;
    }

    @Override
    public long relayedChars() {
        return relayedChars;
    }

    @Override
    public void reset() {
        lastResponse = null;
        finalResponse = null;
        model = null;
        usage = null;
        relayedChars = 0;
        nextSequence = 0;
    }

    @Override
    public Buffer end() {
        return Buffer.buffer();
    }

    @Override
    public Buffer failure(GatewayException e) {
        Buffer out = Buffer.buffer();
        ObjectNode error = Json.MAPPER.createObjectNode();
        error.put("type", "error");
        error.put("code", e.code() == null ? e.type() : e.code());
        error.put("message", e.getMessage());
        error.put("param", e.param());
        error.put("sequence_number", nextSequence++);
        write("error", error, out);
        if (lastResponse != null) {
            ObjectNode failed = Json.MAPPER.createObjectNode();
            failed.put("type", "response.failed");
            ObjectNode r = lastResponse.deepCopy();
            r.put("status", "failed");
            r.putObject("error")
                    .put("code", e.code() == null ? "server_error" : e.code())
                    .put("message", e.getMessage());
            failed.set("response", r);
            failed.put("sequence_number", nextSequence++);
            write("response.failed", failed, out);
        }
        return out;
    }

    @Override
    public void assemble() {
        assembling = true;
    }

    @Override
    public ObjectNode assembled() {
        return assembling
                        && finalResponse != null
                        && "completed".equals(finalResponse.path("status").asText())
                ? finalResponse
                : null;
    }
}
