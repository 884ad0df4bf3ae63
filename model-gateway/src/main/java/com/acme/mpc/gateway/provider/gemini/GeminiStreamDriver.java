package com.acme.mpc.gateway.provider.gemini;

import com.acme.mpc.gateway.core.GatewayException;
import com.acme.mpc.gateway.provider.http.SseParser;
import com.acme.mpc.gateway.provider.http.StreamDriver;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.function.Consumer;

/** Wires a fresh SSE parser to a fresh translator for one stream, and turns translator failures into stream failures. */
final class GeminiStreamDriver implements StreamDriver<ObjectNode> {
    private final long created;
    private final String model;
    private final String apiKey;
    private SseParser parser;
    private GeminiStreamTranslator translator;
    private boolean failed;

    GeminiStreamDriver(long created, String model, String apiKey) {
        this.created = created;
        this.model = model;
        this.apiKey = apiKey;
    }

    @Override
    public Consumer<byte[]> start(Output<ObjectNode> out) {
        translator = new GeminiStreamTranslator(created, model, out::emit, apiKey);
        parser = new SseParser(event -> {
            if (failed) {
                return; // whatever follows an error is not part of an answer
            }
            try {
                translator.onEvent(event);
            } catch (GatewayException e) {
                failed = true;
                out.fail(e);
            }
        });
        return bytes -> {
            if (!failed) {
                parser.feed(bytes);
            }
        };
    }

    @Override
    public void end(Output<ObjectNode> out) {
        if (failed) {
            return;
        }
        parser.end();
        if (failed) {
            return;
        }
        try {
            translator.onEnd();
        } catch (GatewayException e) {
            failed = true;
            out.fail(e);
        }
    }
}
