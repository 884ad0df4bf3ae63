package com.acme.mpc.gateway.provider.bedrock;

import com.acme.mpc.gateway.core.GatewayException;
import com.acme.mpc.gateway.provider.http.StreamDriver;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.function.Consumer;

/**
 * Wires a fresh event stream decoder to a fresh translator for one stream; a corrupted frame, an exception message or
 * a stream cut mid-message ends the stream with an error.
 */
final class BedrockStreamDriver implements StreamDriver<ObjectNode> {
    private final String id;
    private final long created;
    private final String model;
    private final String secret;
    private final String jsonTool;
    private EventStreamDecoder decoder;
    private BedrockStreamTranslator translator;
    private boolean failed;

    BedrockStreamDriver(String id, long created, String model, String secret) {
        this(id, created, model, secret, null);
    }

    /** @param jsonTool the tool standing for {@code response_format}, or null */
    BedrockStreamDriver(String id, long created, String model, String secret, String jsonTool) {
        this.jsonTool = jsonTool;
        this.id = id;
        this.created = created;
        this.model = model;
        this.secret = secret;
    }

    @Override
    public Consumer<byte[]> start(Output<ObjectNode> out) {
        translator = new BedrockStreamTranslator(id, created, model, out::emit, secret, jsonTool);
        decoder = new EventStreamDecoder(message -> {
            if (failed) {
                return;
            }
            try {
                translator.onMessage(message);
            } catch (GatewayException e) {
                fail(out, e);
            }
        });
        return bytes -> {
            if (failed) {
                return;
            }
            try {
                decoder.feed(bytes);
            } catch (EventStreamDecoder.EventStreamException e) {
                fail(out, BedrockErrors.badResponse("sent a corrupted event stream: " + e.getMessage(), secret));
            }
        };
    }

    private void fail(Output<ObjectNode> out, GatewayException e) {
        failed = true;
        decoder.stop();
        out.fail(e);
    }

    @Override
    public void end(Output<ObjectNode> out) {
        if (failed) {
            return;
        }
        try {
            if (decoder.hasPartialMessage()) {
                throw new GatewayException(
                        502,
                        "api_error",
                        "bedrock stream ended inside an event",
                        null,
                        "upstream_stream_truncated",
                        true);
            }
            translator.onEnd();
        } catch (GatewayException e) {
            fail(out, e);
        }
    }
}
