package com.acme.mpc.gateway.provider.cohere;

import com.acme.mpc.gateway.core.GatewayException;
import com.acme.mpc.gateway.core.Json;
import com.acme.mpc.gateway.core.SecretScrubber;
import com.acme.mpc.gateway.provider.http.RetryAfter;
import com.acme.mpc.gateway.provider.http.UpstreamStatusException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;

/** Cohere's errors ({@code {"message": ...}} with the HTTP status) as OpenAI-shaped {@link GatewayException}s. */
public final class CohereErrors {
    private static final int MAX_MESSAGE = 2000;

    private CohereErrors() {}

    public static Throwable translate(Throwable t, String apiKey) {
        return t instanceof UpstreamStatusException e ? fromStatus(e, apiKey) : t;
    }

    public static GatewayException fromStatus(UpstreamStatusException e, String apiKey) {
        ObjectNode body = Json.objectOrNull(e.body());
        String upstream = body == null
                ? (e.body() == null ? "" : e.body().strip())
                : body.path("message").asText(body.path("detail").asText(""));
        String message = "cohere: " + (upstream.isEmpty() ? "HTTP " + e.status() : upstream);
        if (message.length() > MAX_MESSAGE) {
            message = message.substring(0, MAX_MESSAGE) + "...";
        }
        message = SecretScrubber.scrub(message, apiKey);
        long retryAfter = RetryAfter.millis(e.headers());
        String lower = upstream.toLowerCase(Locale.ROOT);
        return switch (e.status()) {
            case 400, 422 -> {
                boolean tooLong = lower.contains("too many tokens") || lower.contains("context length");
                yield new GatewayException(
                        400, "invalid_request_error", message, null, tooLong ? "context_length_exceeded" : null, false);
            }
            // the deployment's key, not the client's
            case 401 -> new GatewayException(401, "authentication_error", message, null, null, false);
            case 402 -> new GatewayException(402, "insufficient_quota", message, null, "insufficient_quota", false);
            case 403 -> new GatewayException(403, "permission_error", message, null, null, false);
            case 404 -> new GatewayException(404, "not_found_error", message, null, "model_not_found", false);
            case 429 ->
                new GatewayException(429, "rate_limit_error", message, null, "rate_limit_exceeded", true, retryAfter);
            case 499 -> new GatewayException(499, "api_error", message, null, null, true, retryAfter);
            default -> {
                if (e.status() >= 500) {
                    yield new GatewayException(e.status(), "api_error", message, null, null, true, retryAfter);
                }
                yield new GatewayException(e.status(), "invalid_request_error", message, null, null, false);
            }
        };
    }

    static GatewayException badResponse(String what, String apiKey) {
        return new GatewayException(
                502, "api_error", SecretScrubber.scrub("cohere " + what, apiKey), null, "bad_upstream", true);
    }
}
