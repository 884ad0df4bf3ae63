package com.acme.mpc.gateway.provider.ollama;

import com.acme.mpc.gateway.core.Json;
import com.acme.mpc.gateway.provider.http.StreamDriver;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.function.Consumer;

/**
 * What every Ollama stream has in common: NDJSON framing, an in-band {@code {"error":...}} line that ends the
 * stream, and a final {@code "done":true} line without which the answer is truncated. Subclasses translate the
 * objects; one instance per stream.
 */
abstract class NdjsonStreamDriver implements StreamDriver<ObjectNode> {
    private final String apiKey;
    private NdjsonSplitter splitter;
    private boolean done;
    private boolean failed;

    NdjsonStreamDriver(String apiKey) {
        this.apiKey = apiKey;
    }

    /** Translates one upstream object; {@code last} is set on the {@code done} line, which must end the output. */
    abstract void onObject(ObjectNode obj, boolean last, Output<ObjectNode> out);

    @Override
    public final Consumer<byte[]> start(Output<ObjectNode> out) {
        splitter = new NdjsonSplitter(line -> onLine(line, out));
        return splitter::feed;
    }

    @Override
    public final void end(Output<ObjectNode> out) {
        if (splitter != null) {
            splitter.end();
        }
        if (!done && !failed) {
            fail(out, OllamaErrors.badResponse("stream ended before its final done line"));
        }
    }

    final void onLine(String line, Output<ObjectNode> out) {
        if (failed || done) {
            return;
        }
        ObjectNode obj = Json.objectOrNull(line);
        if (obj == null) {
            fail(out, OllamaErrors.badResponse("sent a stream line that is not a JSON object"));
            return;
        }
        JsonNode error = obj.get("error");
        if (error != null && !error.isNull()) {
            fail(out, OllamaErrors.streamError(error, apiKey));
            return;
        }
        done = obj.path("done").asBoolean(false);
        onObject(obj, done, out);
    }

    private void fail(Output<ObjectNode> out, Throwable failure) {
        failed = true;
        out.fail(failure);
    }
}
