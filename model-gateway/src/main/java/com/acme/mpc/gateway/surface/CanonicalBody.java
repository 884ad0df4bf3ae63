package com.acme.mpc.gateway.surface;

import com.acme.mpc.gateway.config.Deployment;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;

/** The canonical (OpenAI-format) request body prepared for one deployment, as every provider adapter receives it. */
public final class CanonicalBody {
    /** Request fields that steer the gateway itself and must not reach a provider. */
    private static final Set<String> GATEWAY_FIELDS = Set.of(
            "cache",
            "metadata",
            "tags",
            "mock_response",
            "num_retries",
            "fallbacks",
            "context_window_fallbacks",
            "content_policy_fallbacks");

    private CanonicalBody() {}

    /** A copy of {@code body} with the upstream model name, the deployment's defaults, gateway fields removed. */
    public static ObjectNode prepare(ObjectNode body, Deployment d) {
        ObjectNode out = body.deepCopy();
        out.put("model", d.upstreamModel());
        out.remove(GATEWAY_FIELDS);
        d.extraParams().fields().forEachRemaining(e -> {
            if (!out.has(e.getKey())) {
                out.set(e.getKey(), e.getValue());
            }
        });
        if (d.maxTokens() != null && !out.has("max_tokens") && !out.has("max_completion_tokens")) {
            out.put("max_tokens", d.maxTokens());
        }
        return out;
    }
}
