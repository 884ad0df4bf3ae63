package com.acme.mpc.gateway.provider.bedrock;

import com.acme.mpc.gateway.core.GatewayException;
import com.acme.mpc.gateway.core.Json;
import com.acme.mpc.gateway.core.SecretScrubber;
import com.acme.mpc.gateway.provider.http.RetryAfter;
import com.acme.mpc.gateway.provider.http.UpstreamStatusException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;

/**
 * Bedrock's errors ({@code {"message": ...}} with the exception name in {@code x-amzn-ErrorType}, or the
 * {@code :exception-type} of an event stream exception) as OpenAI-shaped {@link GatewayException}s. The exception
 * name decides, since throttling, a model still loading and a busy service all need a retry elsewhere.
 */
public final class BedrockErrors {
    private static final int MAX_MESSAGE = 2000;

    private BedrockErrors() {}

    /** For {@code onFailure().transform}: upstream statuses are mapped, everything else passes unchanged. */
    public static Throwable translate(Throwable t, String secret) {
        return t instanceof UpstreamStatusException e ? fromStatus(e, secret) : t;
    }

    public static GatewayException fromStatus(UpstreamStatusException e, String secret) {
        String type = e.headers() == null ? null : e.headers().get("x-amzn-ErrorType");
        ObjectNode body = Json.objectOrNull(e.body());
        String message = body == null
                ? (e.body() == null ? "" : e.body().strip())
                : body.path("message").asText(body.path("Message").asText(""));
        if (type == null && body != null) {
            type = body.path("__type").asText(null);
        }
        return build(e.status(), exceptionName(type), message, RetryAfter.millis(e.headers()), secret);
    }

    /** An exception message inside a 200 event stream. */
    public static GatewayException fromStreamException(String exceptionType, byte[] payload, String secret) {
        ObjectNode body = Json.objectOrNull(payload);
        String message = body == null ? "" : body.path("message").asText("");
        String name = exceptionName(exceptionType);
        return build(statusOf(name), name, message, -1, secret);
    }

    static GatewayException badResponse(String what, String secret) {
        return new GatewayException(
                502, "api_error", SecretScrubber.scrub("bedrock " + what, secret), null, "bad_upstream", true);
    }

    /**
     * {@code ThrottlingException:http://internal.amazon.com/coral/...} or {@code com.amazon...#ThrottlingException}
     * to {@code ThrottlingException}; stream exception types ({@code throttlingException}) get an upper-case first
     * letter.
     */
    static String exceptionName(String type) {
        if (type == null || type.isBlank()) {
            return "";
        }
        String name = type.strip();
        int colon = name.indexOf(':');
        if (colon >= 0) {
            name = name.substring(0, colon);
        }
        int hash = name.lastIndexOf('#');
        if (hash >= 0) {
            name = name.substring(hash + 1);
        }
        return name.isEmpty() ? "" : Character.toUpperCase(name.charAt(0)) + name.substring(1);
    }

    private static int statusOf(String name) {
        return switch (name) {
            case "ThrottlingException", "ModelNotReadyException" -> 429;
            case "ServiceUnavailableException" -> 503;
            case "ValidationException", "ModelErrorException" -> 400;
            case "AccessDeniedException" -> 403;
            case "ResourceNotFoundException" -> 404;
            case "ModelTimeoutException" -> 408;
            case "ModelStreamErrorException" -> 424;
            default -> 500;
        };
    }

    private static GatewayException build(
            int status, String name, String upstreamMessage, long retryAfter, String secret) {
        String message = "bedrock: " + (name.isEmpty() ? "" : name + ": ")
                + (upstreamMessage.isEmpty() ? "HTTP " + status : upstreamMessage);
        if (message.length() > MAX_MESSAGE) {
            message = message.substring(0, MAX_MESSAGE) + "...";
        }
        message = SecretScrubber.scrub(message, secret);
        String lower = upstreamMessage.toLowerCase(Locale.ROOT);
        return switch (name) {
            // the account's quota for this model: retried elsewhere, and the deployment cools down
            case "ThrottlingException" ->
                new GatewayException(429, "rate_limit_error", message, null, "rate_limit_exceeded", true, retryAfter);
            // a model Bedrock is still loading (custom/imported models); it answers 429 or 503
            case "ModelNotReadyException" ->
                new GatewayException(
                        status == 503 ? 503 : 429, "api_error", message, null, "model_not_ready", true, retryAfter);
            case "ServiceUnavailableException" ->
                new GatewayException(503, "api_error", message, null, "overloaded", true, retryAfter);
            case "InternalServerException", "ModelStreamErrorException" ->
                new GatewayException(status >= 500 ? status : 500, "api_error", message, null, null, true, retryAfter);
            case "ModelTimeoutException" ->
                new GatewayException(408, "timeout", message, null, "upstream_timeout", true, retryAfter);
            case "ValidationException", "ModelErrorException" -> {
                // the router falls back to a larger-context model group on this code (context_window_fallbacks)
                boolean tooLong = lower.contains("too long")
                        || lower.contains("input is too long")
                        || lower.contains("context length")
                        || lower.contains("context window")
                        || lower.contains("maximum context");
                yield new GatewayException(
                        400, "invalid_request_error", message, null, tooLong ? "context_length_exceeded" : null, false);
            }
            // the deployment's credentials or model access are wrong, not the client's request
            case "AccessDeniedException", "UnrecognizedClientException" ->
                new GatewayException(
                        name.equals("AccessDeniedException") ? 403 : 401,
                        name.equals("AccessDeniedException") ? "permission_error" : "authentication_error",
                        message,
                        null,
                        null,
                        false);
            case "ResourceNotFoundException" ->
                new GatewayException(404, "not_found_error", message, null, "model_not_found", false);
            default -> {
                if (status == 403 && lower.contains("signature")) {
                    yield new GatewayException(401, "authentication_error", message, null, null, false);
                }
                if (status == 429) {
                    yield new GatewayException(
                            429, "rate_limit_error", message, null, "rate_limit_exceeded", true, retryAfter);
                }
                if (status >= 500) {
                    yield new GatewayException(status, "api_error", message, null, null, true, retryAfter);
                }
                yield new GatewayException(status, "invalid_request_error", message, null, null, false);
            }
        };
    }
}
