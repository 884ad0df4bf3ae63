package com.acme.mpc.gateway.api;

import com.acme.mpc.gateway.core.GatewayException;
import com.acme.mpc.gateway.core.Json;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

/** Writes errors in OpenAI's shape {@code {"error":{"message","type","param","code"}}}. */
public final class ApiErrors {
    private ApiErrors() {}

    public static ObjectNode body(GatewayException e) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        ObjectNode error = root.putObject("error");
        error.put("message", e.getMessage());
        error.put("type", e.type());
        if (e.param() == null) {
            error.putNull("param");
        } else {
            error.put("param", e.param());
        }
        if (e.code() == null) {
            error.putNull("code");
        } else {
            error.put("code", e.code());
        }
        return root;
    }

    public static void write(HttpServerResponse response, GatewayException e) {
        if (response.headWritten() || response.closed()) {
            return;
        }
        response.setStatusCode(e.status());
        response.putHeader("content-type", "application/json");
        if (e.status() == 429 && e.retryAfterMillis() >= 0) {
            response.putHeader("retry-after", Long.toString(Math.max(1, (e.retryAfterMillis() + 999) / 1000)));
        }
        response.end(Buffer.buffer(Json.toBytes(body(e))));
    }

    /** The SSE event that ends a stream which failed after its first byte. */
    public static Buffer sseEvent(GatewayException e) {
        return Buffer.buffer("data: ").appendBytes(Json.toBytes(body(e))).appendString("\n\n");
    }
}
