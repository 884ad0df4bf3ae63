package com.acme.mpc.api.rest;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

/**
 * Writes errors in Anthropic's shape, {"type":"error","error":{"type","message"}}, on the Anthropic routes
 * (/api/v1/messages...): the Anthropic SDKs pick their exception class from the status, Claude Code reads the type.
 * The types per status are model-gateway's (surface/anthropic/AnthropicErrorShape), so an error reads the same
 * whichever of the two services answered it.
 */
final class AnthropicErrors {

    /** The paths whose clients speak Anthropic's Messages API. */
    static final String PATH_PREFIX = "/api/v1/messages";

    private AnthropicErrors() {}

    static boolean appliesTo(String path) {
        return path != null && path.startsWith(PATH_PREFIX);
    }

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

    static Buffer body(int status, String message) {
        StringBuilder sb = new StringBuilder(64 + message.length());
        sb.append("{\"type\":\"error\",\"error\":{\"type\":\"")
                .append(typeOf(status))
                .append("\",\"message\":\"");
        JsonStringEncoder.getInstance().quoteAsString(message, sb);
        sb.append("\"}}");
        return Buffer.buffer(sb.toString());
    }

    /** The event that ends a stream which broke after its status line: Anthropic's {@code event: error}. */
    static Buffer sseEvent(int status, String message) {
        return Buffer.buffer("event: error\ndata: ")
                .appendBuffer(body(status, message))
                .appendString("\n\n");
    }

    /** Ends the response with an error unless something was already sent (then the connection is closed). */
    static void send(HttpServerResponse response, int status, String message) {
        if (response.ended() || response.closed()) {
            return;
        }
        if (response.headWritten()) {
            response.reset();
            return;
        }
        response.setStatusCode(status)
                .putHeader("content-type", "application/json")
                .end(body(status, message));
    }
}
