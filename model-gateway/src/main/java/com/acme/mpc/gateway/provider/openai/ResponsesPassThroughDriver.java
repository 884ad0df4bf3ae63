package com.acme.mpc.gateway.provider.openai;

import com.acme.mpc.gateway.core.Json;
import com.acme.mpc.gateway.provider.http.SseFrame;
import com.acme.mpc.gateway.provider.http.SseFrameSplitter;
import com.acme.mpc.gateway.provider.http.StreamDriver;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.function.Consumer;

/**
 * Relays a Responses API stream whole events at a time, bytes unchanged. An {@code error} event (which OpenAI may send
 * after HTTP 200) ends the stream as a failure instead, so the gateway can retry, fail over or report it in the
 * client's shape.
 */
final class ResponsesPassThroughDriver implements StreamDriver<SseFrame> {
    private final String apiKey;
    private SseFrameSplitter splitter;
    private boolean failed;

    ResponsesPassThroughDriver(String apiKey) {
        this.apiKey = apiKey;
    }

    @Override
    public Consumer<byte[]> start(Output<SseFrame> out) {
        splitter = new SseFrameSplitter(frame -> {
            if (failed) {
                return;
            }
            ObjectNode data = frame.data() == null ? null : Json.objectOrNull(frame.data());
            String type = frame.event() != null
                    ? frame.event()
                    : data == null ? null : data.path("type").asText(null);
            if ("error".equals(type) && data != null) {
                failed = true;
                out.fail(OpenAiErrors.fromStreamPayload(data.has("error") ? data.get("error") : data, apiKey));
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
