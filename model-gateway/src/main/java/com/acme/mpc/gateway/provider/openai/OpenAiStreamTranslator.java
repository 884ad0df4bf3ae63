package com.acme.mpc.gateway.provider.openai;

import com.acme.mpc.gateway.core.GatewayException;
import com.acme.mpc.gateway.core.Json;
import com.acme.mpc.gateway.provider.http.SseEvent;
import com.acme.mpc.gateway.provider.http.SseParser;
import com.acme.mpc.gateway.provider.http.StreamDriver;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.function.Consumer;

/**
 * OpenAI SSE is already the gateway's format: each {@code data:} object is relayed as one chunk. What this adds per
 * stream: skipping {@code [DONE]} (the gateway writes its own), and turning an in-band {@code {"error":...}} payload
 * into a failure. A new instance per stream.
 */
final class OpenAiStreamTranslator implements StreamDriver<ObjectNode> {
    private final String apiKey;
    private boolean failed;

    OpenAiStreamTranslator(String apiKey) {
        this.apiKey = apiKey;
    }

    @Override
    public Consumer<byte[]> start(Output<ObjectNode> out) {
        SseParser parser = new SseParser(event -> onEvent(event, out));
        return parser::feed;
    }

    private void onEvent(SseEvent event, Output<ObjectNode> out) {
        if (failed || "[DONE]".equals(event.data())) {
            return;
        }
        ObjectNode chunk = Json.objectOrNull(event.data());
        if (chunk == null) {
            failed = true;
            out.fail(new GatewayException(
                    502,
                    "api_error",
                    "upstream sent a stream event that is not JSON",
                    null,
                    "bad_upstream_stream",
                    true));
            return;
        }
        JsonNode error = chunk.get("error");
        if (error != null && !error.isNull() || "error".equals(event.event())) {
            failed = true;
            out.fail(OpenAiErrors.fromStreamPayload(error == null ? chunk : error, apiKey));
            return;
        }
        out.emit(chunk);
    }
}
