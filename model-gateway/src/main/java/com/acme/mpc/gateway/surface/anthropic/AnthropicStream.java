package com.acme.mpc.gateway.surface.anthropic;

import com.acme.mpc.gateway.core.GatewayException;
import com.acme.mpc.gateway.core.Json;
import com.acme.mpc.gateway.core.Usage;
import com.acme.mpc.gateway.surface.SurfaceStream;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;

/**
 * Anthropic's SSE towards the client: passed-through events as their exact upstream bytes, built ones as
 * {@code event: <type>} + {@code data: <json>}. Reads usage on the way: {@code message_start} carries the prompt's
 * buckets, {@code message_delta} the cumulative output (and, from newer servers, the prompt's buckets again).
 */
final class AnthropicStream implements SurfaceStream<AnthropicEvent> {
    private static final byte[] EVENT = "event: ".getBytes();
    private static final byte[] DATA = "\ndata: ".getBytes();
    private static final byte[] END = "\n\n".getBytes();

    private MessageAssembler assembler;
    private String model;
    private long input;
    private long cacheRead;
    private long cacheCreation;
    private long output;
    private boolean sawUsage;
    private long relayedChars;

    @Override
    public boolean encode(AnthropicEvent e, Buffer out) {
        meter(e);
        if (assembler != null) {
            assembler.accept(e);
        }
        if (e.raw() != null) {
            out.appendBytes(e.raw());
        } else {
            out.appendBytes(EVENT)
                    .appendString(e.type())
                    .appendBytes(DATA)
                    .appendBytes(Json.toBytes(e.data()))
                    .appendBytes(END);
        }
        return true;
    }

    private void meter(AnthropicEvent e) {
        ObjectNode data = e.data();
        if (data == null || e.type() == null) {
            return;
        }
        switch (e.type()) {
            case "message_start" -> {
                JsonNode m = data.path("message");
                model = m.path("model").asText(null);
                readUsage(m.path("usage"));
            }
            case "message_delta" -> readUsage(data.path("usage"));
            case "content_block_delta" -> {
                JsonNode d = data.path("delta");
                relayedChars += d.path("text").asText("").length()
                        + d.path("partial_json").asText("").length()
                        + d.path("thinking").asText("").length();
            }
            default -> {}
        }
    }

    private void readUsage(JsonNode u) {
        if (!u.isObject()) {
            return;
        }
        sawUsage = true;
        input = u.path("input_tokens").asLong(input);
        cacheRead = u.path("cache_read_input_tokens").asLong(cacheRead);
        cacheCreation = u.path("cache_creation_input_tokens").asLong(cacheCreation);
        output = u.path("output_tokens").asLong(output);
    }

    @Override
    public Usage usage() {
        return sawUsage ? new Usage(input + cacheRead + cacheCreation, output, cacheRead, cacheCreation, 0) : null;
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
        model = null;
        input = 0;
        cacheRead = 0;
        cacheCreation = 0;
        output = 0;
        sawUsage = false;
        if (assembler != null) {
            assembler.reset();
        }
    }

    @Override
    public Buffer end() {
        return Buffer.buffer();
    }

    @Override
    public Buffer failure(GatewayException e) {
        return AnthropicErrorShape.sseEvent(e);
    }

    @Override
    public void assemble() {
        assembler = new MessageAssembler();
    }

    @Override
    public ObjectNode assembled() {
        return assembler == null ? null : assembler.build();
    }
}
