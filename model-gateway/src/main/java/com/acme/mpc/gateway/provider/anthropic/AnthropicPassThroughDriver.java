package com.acme.mpc.gateway.provider.anthropic;

import com.acme.mpc.gateway.core.Json;
import com.acme.mpc.gateway.provider.http.SseFrame;
import com.acme.mpc.gateway.provider.http.SseFrameSplitter;
import com.acme.mpc.gateway.provider.http.StreamDriver;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.function.Consumer;

/**
 * Relays Anthropic's SSE stream whole events at a time, bytes unchanged; an {@code event: error} (which Anthropic may
 * send after HTTP 200, e.g. overloaded_error) ends the stream as a failure instead, so the gateway can retry, fail
 * over or report it in the client's format.
 */
public final class AnthropicPassThroughDriver implements StreamDriver<SseFrame> {
    private final String apiKey;
    private SseFrameSplitter splitter;
    private boolean failed;

    /** @param apiKey only to scrub it from upstream error messages */
    public AnthropicPassThroughDriver(String apiKey) {
        this.apiKey = apiKey;
    }

    @Override
    public Consumer<byte[]> start(Output<SseFrame> out) {
        splitter = new SseFrameSplitter(frame -> {
            if (failed) {
                return;
            }
            if ("error".equals(frame.event())) {
                failed = true;
                ObjectNode data = frame.data() == null ? null : Json.objectOrNull(frame.data());
                out.fail(AnthropicErrors.fromStreamError(data == null ? Json.MAPPER.createObjectNode() : data, apiKey));
                return;
            }
            out.emit(frame);
        });
        return bytes -> {
            if (!failed) {
                splitter.feed(bytes);
            }
        };
    }

    @Override
    public void end(Output<SseFrame> out) {
        if (!failed) {
            splitter.end();
        }
    }
}
