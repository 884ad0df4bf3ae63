package com.acme.mpc.gateway.provider.gemini;

import com.acme.mpc.gateway.core.GatewayException;
import com.acme.mpc.gateway.core.Json;
import com.acme.mpc.gateway.core.SecretScrubber;
import com.acme.mpc.gateway.provider.http.RetryAfter;
import com.acme.mpc.gateway.provider.http.UpstreamStatusException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;

/**
 * Google's error envelope ({@code {"error":{"code","message","status","details"}}}) as OpenAI-shaped
 * {@link GatewayException}s: for non-2xx answers and for an error object inside a 200 stream. The canonical
 * {@code status} decides, since Google reuses HTTP 400 for several of them.
 */
public final class GeminiErrors {
    private static final int MAX_MESSAGE = 2000;

    private GeminiErrors() {}

    /** For {@code onFailure().transform}: upstream statuses are mapped, everything else passes unchanged. */
    public static Throwable translate(Throwable t, String apiKey) {
        return t instanceof UpstreamStatusException e ? fromStatus(e, apiKey) : t;
    }

    public static GatewayException fromStatus(UpstreamStatusException e, String apiKey) {
        return fromStatus(e, apiKey, "gemini");
    }

    /**
     * As {@link #fromStatus(UpstreamStatusException, String)} for another service answering in Google's error shape
     * (Vertex AI): {@code label} starts the message.
     */
    public static GatewayException fromStatus(UpstreamStatusException e, String apiKey, String label) {
        ObjectNode body = Json.objectOrNull(e.body());
        JsonNode error = body == null ? null : body.get("error");
        if (error == null || !error.isObject()) {
            // a proxy or load balancer in front of the API, not Google's JSON
            String text = e.body() == null ? "" : e.body().strip();
            return build(label, e.status(), null, text, null, RetryAfter.millis(e.headers()), apiKey);
        }
        long retryAfter = RetryAfter.millis(e.headers());
        if (retryAfter < 0) {
            retryAfter = retryDelay(error);
        }
        return build(
                label,
                e.status(),
                error.path("status").asText(null),
                error.path("message").asText(""),
                error,
                retryAfter,
                apiKey);
    }

    /** An error object sent as a stream event after HTTP 200: its {@code code} stands in for the status. */
    public static GatewayException fromStreamError(JsonNode error, String apiKey) {
        return fromStreamError(error, apiKey, "gemini");
    }

    /** As {@link #fromStreamError(JsonNode, String)} for another service in Google's shape: {@code label} starts it. */
    public static GatewayException fromStreamError(JsonNode error, String apiKey, String label) {
        int code = error.path("code").asInt(500);
        return build(
                label,
                code >= 400 && code < 600 ? code : 500,
                error.path("status").asText(null),
                error.path("message").asText(""),
                error,
                retryDelay(error),
                apiKey);
    }

    public static GatewayException badResponse(String what, String apiKey) {
        return new GatewayException(
                502, "api_error", SecretScrubber.scrub("gemini " + what, apiKey), null, "bad_upstream", true);
    }

    /** Google's {@code RetryInfo} detail ({@code "retryDelay":"32s"}) in ms, or -1. */
    static long retryDelay(JsonNode error) {
        for (JsonNode detail : error.path("details")) {
            String delay = detail.path("retryDelay").asText("");
            if (delay.endsWith("s")) {
                try {
                    return (long) (Double.parseDouble(delay.substring(0, delay.length() - 1)) * 1000);
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return -1;
    }

    private static boolean hasReason(JsonNode error, String reason) {
        if (error == null) {
            return false;
        }
        for (JsonNode detail : error.path("details")) {
            if (reason.equals(detail.path("reason").asText())) {
                return true;
            }
        }
        return false;
    }

    private static GatewayException build(
            String label,
            int status,
            String googleStatus,
            String upstreamMessage,
            JsonNode error,
            long retryAfter,
            String apiKey) {
        String message = label + ": "
                + (upstreamMessage.isEmpty()
                        ? "HTTP " + status + (googleStatus == null ? "" : " " + googleStatus)
                        : upstreamMessage);
        if (message.length() > MAX_MESSAGE) {
            message = message.substring(0, MAX_MESSAGE) + "...";
        }
        message = SecretScrubber.scrub(message, apiKey);
        String lower = upstreamMessage.toLowerCase(Locale.ROOT);
        String canonical = googleStatus == null ? "" : googleStatus;
        // Google answers an invalid API key with 400 INVALID_ARGUMENT; it is the deployment's credential, not the
        // request, that is wrong (and no invalid_api_key code: the gateway keeps that for the client's own key).
        if (hasReason(error, "API_KEY_INVALID") || canonical.equals("UNAUTHENTICATED") || status == 401) {
            return new GatewayException(401, "authentication_error", message, null, null, false);
        }
        return switch (canonical.isEmpty() ? statusName(status) : canonical) {
            case "INVALID_ARGUMENT", "FAILED_PRECONDITION", "OUT_OF_RANGE" -> {
                // the router falls back to a larger-context model group on this code (context_window_fallbacks)
                boolean tooLong = lower.contains("exceeds the maximum number of tokens")
                        || lower.contains("input token count")
                        || lower.contains("context window");
                yield new GatewayException(
                        400, "invalid_request_error", message, null, tooLong ? "context_length_exceeded" : null, false);
            }
            case "PERMISSION_DENIED" -> new GatewayException(403, "permission_error", message, null, null, false);
            case "NOT_FOUND" -> new GatewayException(404, "not_found_error", message, null, "model_not_found", false);
            // quota or rate limit of this key/project: retried elsewhere, and the deployment cools down
            case "RESOURCE_EXHAUSTED" ->
                new GatewayException(429, "rate_limit_error", message, null, "rate_limit_exceeded", true, retryAfter);
            case "UNAVAILABLE" -> new GatewayException(503, "api_error", message, null, "overloaded", true, retryAfter);
            case "DEADLINE_EXCEEDED" ->
                new GatewayException(504, "timeout", message, null, "upstream_timeout", true, retryAfter);
            case "INTERNAL", "UNKNOWN", "ABORTED" ->
                new GatewayException(status >= 500 ? status : 500, "api_error", message, null, null, true, retryAfter);
            default -> {
                if (status >= 500) {
                    yield new GatewayException(status, "api_error", message, null, null, true, retryAfter);
                }
                yield new GatewayException(status, "invalid_request_error", message, null, null, false);
            }
        };
    }

    private static String statusName(int status) {
        return switch (status) {
            case 400 -> "INVALID_ARGUMENT";
            case 403 -> "PERMISSION_DENIED";
            case 404 -> "NOT_FOUND";
            case 429 -> "RESOURCE_EXHAUSTED";
            case 503 -> "UNAVAILABLE";
            case 504 -> "DEADLINE_EXCEEDED";
            case 500 -> "INTERNAL";
            default -> "";
        };
    }
}
