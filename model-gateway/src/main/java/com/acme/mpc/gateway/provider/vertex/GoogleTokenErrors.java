package com.acme.mpc.gateway.provider.vertex;

import com.acme.mpc.gateway.core.GatewayException;
import com.acme.mpc.gateway.core.Json;
import com.acme.mpc.gateway.core.SecretScrubber;
import com.acme.mpc.gateway.provider.http.RetryAfter;
import com.acme.mpc.gateway.provider.http.UpstreamStatusException;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A refusal of Google's token endpoint ({@code {"error":"invalid_grant","error_description":...}}) as a gateway error
 * naming the service account and OAuth2's reason: a 4xx means the credential itself is wrong (revoked key, deleted
 * account, clock skew), which no retry mends; a 5xx or 429 is Google's trouble and retriable.
 */
final class GoogleTokenErrors {
    private static final int MAX_DESCRIPTION = 500;

    private GoogleTokenErrors() {}

    static GatewayException fromStatus(UpstreamStatusException e, ServiceAccount account) {
        ObjectNode body = Json.objectOrNull(e.body());
        String error = body == null ? "" : body.path("error").asText("");
        String description = body == null ? "" : body.path("error_description").asText("");
        if (description.length() > MAX_DESCRIPTION) {
            description = description.substring(0, MAX_DESCRIPTION) + "...";
        }
        String reason = error.isEmpty() ? "HTTP " + e.status() : error;
        String message = SecretScrubber.scrub(
                "vertex_ai: Google's token endpoint refused service account " + account.clientEmail() + ": " + reason
                        + (description.isEmpty() ? "" : " (" + description + ")"),
                null);
        if (e.status() >= 500 || e.status() == 429) {
            return new GatewayException(
                    503, "api_error", message, null, "overloaded", true, RetryAfter.millis(e.headers()));
        }
        return new GatewayException(401, "authentication_error", message, null, null, false);
    }
}
