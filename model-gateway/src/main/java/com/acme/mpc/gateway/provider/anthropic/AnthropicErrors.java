package com.acme.mpc.gateway.provider.anthropic;

import com.acme.mpc.gateway.core.GatewayException;
import com.acme.mpc.gateway.core.Json;
import com.acme.mpc.gateway.core.SecretScrubber;
import com.acme.mpc.gateway.provider.http.RetryAfter;
import com.acme.mpc.gateway.provider.http.UpstreamStatusException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;

/**
 * Anthropic's error envelope ({@code {"type":"error","error":{"type","message"}}}) as OpenAI-shaped
 * {@link GatewayException}s, both for non-2xx answers and for {@code event: error} inside a 200 stream.
 */
public final class AnthropicErrors {
    private static final int MAX_MESSAGE = 2000;

    private AnthropicErrors() {}

    /** For {@code onFailure().transform}: upstream statuses are mapped, everything else passes unchanged. */
    public static Throwable translate(Throwable t, String apiKey) {
        return t instanceof UpstreamStatusException e ? fromStatus(e, apiKey) : t;
    }

    public static GatewayException fromStatus(UpstreamStatusException e, String apiKey) {
        ObjectNode body = Json.objectOrNull(e.body());
        JsonNode error = body == null ? null : body.get("error");
        String message;
        String anthropicType = null;
        if (error != null && error.isObject()) {
            anthropicType = error.path("type").asText(null);
            message = error.path("message").asText("");
        } else {
            // Errors from in front of the API (Cloudflare's 413, a proxy's 502) are not JSON.
            message = e.body() == null ? "" : e.body().strip();
        }
        return build(e.status(), anthropicType, message, error, RetryAfter.millis(e.headers()), apiKey);
    }

    /** An {@code error} event after HTTP 200: there is no status, so it is derived from the error type. */
    public static GatewayException fromStreamError(JsonNode data, String apiKey) {
        JsonNode error = data.path("error");
        String type = error.path("type").asText("api_error");
        return build(statusOf(type), type, error.path("message").asText(""), error, -1, apiKey);
    }

    static int statusOf(String anthropicType) {
        return switch (anthropicType) {
            case "invalid_request_error" -> 400;
            case "authentication_error" -> 401;
            case "billing_error" -> 402;
            case "permission_error" -> 403;
            case "not_found_error" -> 404;
            case "conflict_error" -> 409;
            case "request_too_large" -> 413;
            case "rate_limit_error" -> 429;
            case "timeout_error" -> 504;
            case "overloaded_error" -> 529;
            default -> 500;
        };
    }

    private static GatewayException build(
            int status, String anthropicType, String upstreamMessage, JsonNode error, long retryAfter, String apiKey) {
        String message = "anthropic: "
                + (upstreamMessage.isEmpty()
                        ? "HTTP " + status + (anthropicType == null ? "" : " " + anthropicType)
                        : upstreamMessage);
        if (message.length() > MAX_MESSAGE) {
            message = message.substring(0, MAX_MESSAGE) + "...";
        }
        message = SecretScrubber.scrub(message, apiKey);
        String lower = upstreamMessage.toLowerCase(Locale.ROOT);
        return switch (status) {
            case 400 -> {
                // The router falls back to a larger-context model group on this code (context_window_fallbacks).
                boolean tooLong = lower.contains("prompt is too long")
                        || lower.contains("exceed context limit")
                        || lower.contains("context window");
                yield new GatewayException(
                        400, "invalid_request_error", message, null, tooLong ? "context_length_exceeded" : null, false);
            }
            // No invalid_api_key code: the deployment's key was refused, not the client's, and the gateway uses that
            // code for the client's own key.
            case 401 -> new GatewayException(401, "authentication_error", message, null, null, false);
            // billing problem of the deployment's account: another deployment may work, this one will not soon
            case 402 -> new GatewayException(402, "insufficient_quota", message, null, "billing_error", false);
            case 403 -> new GatewayException(403, "permission_error", message, null, null, false);
            case 404 -> new GatewayException(404, "not_found_error", message, null, "model_not_found", false);
            case 413 -> new GatewayException(413, "invalid_request_error", message, null, "request_too_large", false);
            case 429 -> {
                // A spend cap does not lift after a back-off, so retrying only burns the retry budget.
                boolean spendLimit = "enforced_spend_limit_reached"
                                .equals(
                                        error == null
                                                ? null
                                                : error.path("details")
                                                        .path("error_code")
                                                        .asText())
                        || lower.contains("spend limit");
                yield new GatewayException(
                        429,
                        "rate_limit_error",
                        message,
                        null,
                        spendLimit ? "enforced_spend_limit_reached" : "rate_limit_exceeded",
                        !spendLimit,
                        spendLimit ? -1 : retryAfter);
            }
            // 529 is Anthropic-wide overload, not this key's quota: worth retrying or failing over, and kept
            // distinct from 429 so the router does not cool the deployment down as if it were rate limited.
            case 529 -> new GatewayException(529, "api_error", message, null, "overloaded", true, retryAfter);
            case 408 -> new GatewayException(408, "timeout", message, null, "upstream_timeout", true, retryAfter);
            // Anthropic documents 409 conflict_error as transient
            case 409 -> new GatewayException(409, "api_error", message, null, "conflict", true, retryAfter);
            default -> {
                if (status >= 500) {
                    yield new GatewayException(status, "api_error", message, null, null, true, retryAfter);
                }
                yield new GatewayException(status, "invalid_request_error", message, null, null, false);
            }
        };
    }
}
