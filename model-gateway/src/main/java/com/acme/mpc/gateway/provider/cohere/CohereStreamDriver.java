package com.acme.mpc.gateway.provider.cohere;

import com.acme.mpc.gateway.core.GatewayException;
import com.acme.mpc.gateway.provider.http.SseParser;
import com.acme.mpc.gateway.provider.http.StreamDriver;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.function.Consumer;

/** A fresh SSE parser wired to a fresh translator for one stream; translator failures end the stream. */
final class CohereStreamDriver implements StreamDriver<ObjectNode> {
    private final long created;
    private final String model;
    private final String apiKey;
    private SseParser parser;
    private CohereStreamTranslator translator;
    private boolean failed;

    CohereStreamDriver(long created, String model, String apiKey) {
        this.created = created;
        this.model = model;
        this.apiKey = apiKey;
    }

    @Override
    public Consumer<byte[]> start(Output<ObjectNode> out) {
        translator = new CohereStreamTranslator(created, model, out::emit, apiKey);
        parser = new SseParser(event -> {
            if (failed) {
                return;
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
