package com.acme.mpc.gateway.provider.ollama;

import com.acme.mpc.gateway.core.GatewayException;
import com.acme.mpc.gateway.core.Json;
import com.acme.mpc.gateway.core.SecretScrubber;
import com.acme.mpc.gateway.provider.http.RetryAfter;
import com.acme.mpc.gateway.provider.http.UpstreamStatusException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Maps Ollama's error answers ({@code {"error":"<text>"}} with an HTTP status) to OpenAI-typed
 * {@link GatewayException}s. Ollama has no error codes, so the status decides the type.
 */
final class OllamaErrors {
    private static final int MAX_MESSAGE = 2000;

    private OllamaErrors() {}

    static GatewayException map(UpstreamStatusException e, String apiKey) {
        int status = e.status();
        ObjectNode body = Json.objectOrNull(e.body());
        String upstreamText = body == null ? null : errorText(body.get("error"));
        String message = upstreamText != null ? upstreamText : fallbackMessage(status, e.body());
        message = SecretScrubber.scrub(truncate(message), apiKey);
        long retryAfter = RetryAfter.millis(e.headers());
        return switch (status) {
            // Only Ollama's own JSON 404 means an unknown model; a plain-text 404 comes from its router (or a proxy)
            // and means api_base points at the wrong path.
            case 404 ->
                upstreamText != null
                        ? new GatewayException(404, "not_found_error", message, "model", "model_not_found", false)
                        : new GatewayException(404, "not_found_error", message, null, "upstream_path_not_found", false);
            case 400, 413, 422 -> new GatewayException(status, "invalid_request_error", message, null, null, false);
            case 401 -> new GatewayException(401, "authentication_error", message, null, "invalid_api_key", false);
            case 403 -> new GatewayException(403, "permission_error", message, null, null, false);
            case 408 -> new GatewayException(408, "timeout", message, null, "upstream_timeout", true, retryAfter);
            case 429 -> new GatewayException(429, "rate_limit_error", message, null, null, true, retryAfter);
            default ->
                new GatewayException(
                        status,
                        status >= 500 ? "api_error" : "invalid_request_error",
                        message,
                        null,
                        null,
                        status >= 500,
                        retryAfter);
        };
    }

    /** An {@code {"error":"..."}} line after a 200: generation broke off (model crash, runner OOM). */
    static GatewayException streamError(JsonNode error, String apiKey) {
        String text = errorText(error);
        return new GatewayException(
                502,
                "api_error",
                SecretScrubber.scrub(
                        truncate("ollama stream failed: " + (text == null ? "unknown error" : text)), apiKey),
                null,
                "upstream_stream_error",
                true);
    }

    static GatewayException badResponse(String what) {
        return new GatewayException(502, "api_error", "ollama " + what, null, "bad_upstream_response", true);
    }

    private static String errorText(JsonNode error) {
        if (error == null || error.isNull()) {
            return null;
        }
        if (error.isTextual()) {
            return error.asText();
        }
        // A proxy in front of Ollama may answer in OpenAI's shape.
        JsonNode message = error.get("message");
        return message != null && message.isTextual() ? message.asText() : error.toString();
    }

    private static String fallbackMessage(int status, String body) {
        if (body == null || body.isBlank()) {
            return "ollama returned HTTP " + status;
        }
        return "ollama returned HTTP " + status + ": " + body.strip();
    }

    private static String truncate(String message) {
        return message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE) + "..." : message;
    }
}
