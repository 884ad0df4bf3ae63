package com.acme.mpc.gateway.provider.vertex;

import com.acme.mpc.gateway.core.Json;
import com.acme.mpc.gateway.provider.anthropic.AnthropicErrors;
import com.acme.mpc.gateway.provider.gemini.GeminiErrors;
import com.acme.mpc.gateway.provider.http.UpstreamStatusException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Vertex AI answers errors in Google's shape ({@code {"error":{"code":429,"message","status":"RESOURCE_EXHAUSTED"}}}:
 * quota, permissions, unknown model, for every publisher), while a Claude model's own refusals keep Anthropic's
 * ({@code {"type":"error","error":{"type":"overloaded_error"}}}). The body's shape picks the mapping.
 */
final class VertexErrors {
    private VertexErrors() {}

    /** For {@code onFailure().transform}: upstream statuses are mapped, everything else passes unchanged. */
    static Throwable translate(Throwable t, String token, boolean claude) {
        if (!(t instanceof UpstreamStatusException e)) {
            return t;
        }
        if (claude && !googleShaped(e.body())) {
            return AnthropicErrors.fromStatus(e, token);
        }
        return GeminiErrors.fromStatus(e, token, "vertex_ai");
    }

    static boolean googleShaped(String body) {
        ObjectNode o = Json.objectOrNull(body);
        JsonNode error = o == null ? null : o.get("error");
        return error != null
                && error.isObject()
                && (error.has("status") || error.path("code").isInt());
    }
}
