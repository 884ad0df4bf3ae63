package com.acme.mpc.gateway.surface.anthropic;

import com.acme.mpc.gateway.core.GatewayException;
import com.acme.mpc.gateway.core.Json;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

/**
 * Errors in Anthropic's shape {@code {"type":"error","error":{"type","message"}}}, with Anthropic's error type for the
 * status (the Anthropic SDKs pick their exception class from the status, Claude Code reads the type).
 */
public final class AnthropicErrorShape {
    /** The code of KeyGuard's (and count_tokens') refusal of a model the key may not use. */
    static final String KEY_MODEL_ACCESS_DENIED = "key_model_access_denied";

    private AnthropicErrorShape() {}

    /** Anthropic's error type for an HTTP status. */
    static String typeOf(int status) {
        return switch (status) {
            case 400, 405, 422 -> "invalid_request_error";
            case 401 -> "authentication_error";
            case 402 -> "billing_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 408, 504 -> "timeout_error";
            case 413 -> "request_too_large";
            case 429 -> "rate_limit_error";
            case 529 -> "overloaded_error";
            default -> status >= 500 ? "api_error" : "invalid_request_error";
        };
    }

    /**
     * The status an Anthropic client gets. A valid key used for a model it may not use is a 401 on the OpenAI routes
     * (LiteLLM's answer); Anthropic answers a valid key without access with 403 permission_error, and Claude Code
     * takes a 401 for a bad key and asks the user to log in again.
     */
    static int statusOf(GatewayException e) {
        return KEY_MODEL_ACCESS_DENIED.equals(e.code()) ? 403 : e.status();
    }

    public static ObjectNode body(GatewayException e) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("type", "error");
        ObjectNode error = root.putObject("error");
        error.put("type", typeOf(statusOf(e)));
        error.put("message", e.getMessage());
        return root;
    }

    public static void write(HttpServerResponse response, GatewayException e) {
        if (response.headWritten() || response.closed()) {
            return;
        }
        response.setStatusCode(statusOf(e));
        response.putHeader("content-type", "application/json");
        if ((e.status() == 429 || e.status() == 529) && e.retryAfterMillis() >= 0) {
            response.putHeader("retry-after", Long.toString(Math.max(1, (e.retryAfterMillis() + 999) / 1000)));
        }
        response.end(Buffer.buffer(Json.toBytes(body(e))));
    }

    /** The {@code event: error} that ends a stream which failed after its first byte. */
    public static Buffer sseEvent(GatewayException e) {
        return Buffer.buffer("event: error\ndata: ")
                .appendBytes(Json.toBytes(body(e)))
                .appendString("\n\n");
    }
}
