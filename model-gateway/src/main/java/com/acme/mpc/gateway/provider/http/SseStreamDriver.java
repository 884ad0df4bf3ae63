package com.acme.mpc.gateway.provider.http;

import com.acme.mpc.gateway.core.GatewayException;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Wires a fresh SSE parser to a fresh translator for one stream, and turns translator failures into stream failures.
 * Shared by every provider whose stream is SSE; what differs per provider is only the translator.
 */
public final class SseStreamDriver<T> implements StreamDriver<T> {
    private final Function<Consumer<T>, SseTranslator> translators;
    private SseParser parser;
    private SseTranslator translator;
    private boolean failed;

    /** {@code translators} makes the stream's translator, given where it emits items. */
    public SseStreamDriver(Function<Consumer<T>, SseTranslator> translators) {
        this.translators = translators;
    }

    @Override
    public Consumer<byte[]> start(Output<T> out) {
        translator = translators.apply(out::emit);
        parser = new SseParser(event -> {
            if (failed) {
                return; // whatever follows an error event is not part of an answer
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
    public void end(Output<T> out) {
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
