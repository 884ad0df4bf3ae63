package com.acme.mpc.gateway.provider.openai;

import com.acme.mpc.gateway.core.GatewayException;
import com.acme.mpc.gateway.core.Json;
import com.acme.mpc.gateway.core.SecretScrubber;
import com.acme.mpc.gateway.provider.http.RetryAfter;
import com.acme.mpc.gateway.provider.http.UpstreamStatusException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Maps an OpenAI-format error answer (OpenAI, Azure, vLLM, Groq...) to a {@link GatewayException}. */
public final class OpenAiErrors {
    private OpenAiErrors() {}

    public static GatewayException map(UpstreamStatusException e, String apiKey) {
        ObjectNode body = Json.objectOrNull(e.body());
        JsonNode error = body == null ? null : body.get("error");
        String message;
        String type = null;
        String code = null;
        String param = null;
        if (error != null && error.isObject()) {
            message = error.path("message").asText("upstream error");
            type = textOrNull(error.get("type"));
            code = textOrNull(error.get("code"));
            param = textOrNull(error.get("param"));
        } else if (error != null && error.isTextual()) {
            message = error.asText();
        } else {
            message = e.body() == null || e.body().isBlank() ? "upstream returned " + e.status() : e.body();
        }
        if (message.length() > 2000) {
            message = message.substring(0, 2000) + "...";
        }
        int status = e.status();
        boolean spendLimit = "insufficient_quota".equals(code) || "insufficient_quota".equals(type);
        boolean retriable = !spendLimit
                && (status == 408
                        || status == 409
                        || status == 429
                        || status == 500
                        || status == 502
                        || status == 503
                        || status == 504
                        || status == 529);
        if (type == null) {
            type = defaultType(status);
        }
        return new GatewayException(
                status,
                type,
                SecretScrubber.scrub(message, apiKey),
                param,
                code,
                retriable,
                RetryAfter.millis(e.headers()));
    }

    /** A stream that carries {@code {"error":{...}}} after a 200 (vLLM, OpenRouter do this). */
    public static GatewayException fromStreamPayload(JsonNode error, String apiKey) {
        String message = error.isObject() ? error.path("message").asText("upstream error") : error.asText();
        String type = error.isObject() ? textOrNull(error.get("type")) : null;
        String code = error.isObject() ? textOrNull(error.get("code")) : null;
        return new GatewayException(
                502, type == null ? "api_error" : type, SecretScrubber.scrub(message, apiKey), null, code, true);
    }

    static String defaultType(int status) {
        return switch (status) {
            case 400, 404, 409, 413, 422 -> "invalid_request_error";
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 408 -> "timeout";
            case 429 -> "rate_limit_error";
            default -> "api_error";
        };
    }

    private static String textOrNull(JsonNode n) {
        return n == null || n.isNull() ? null : n.asText();
    }
}
