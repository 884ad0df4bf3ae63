package com.acme.mpc.gateway.surface;

import com.acme.mpc.gateway.config.Deployment;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;

/** The canonical (OpenAI-format) request body prepared for one deployment, as every provider adapter receives it. */
public final class CanonicalBody {
    /**
     * Request fields that steer the gateway itself (LiteLLM's own request parameters) and must not reach a provider;
     * docs/configuration.md says which ones are honoured and which only kept from the provider.
     */
    public static final Set<String> GATEWAY_FIELDS = Set.of(
            "cache",
            "caching",
            "metadata",
            "litellm_metadata",
            "tags",
            "mock_response",
            "mock_testing_fallbacks",
            "mock_timeout",
            "num_retries",
            "max_retries",
            "fallbacks",
            "context_window_fallbacks",
            "context_window_fallback_dict",
            "content_policy_fallbacks",
            "drop_params",
            "guardrails",
            "timeout",
            "stream_timeout",
            "request_timeout",
            // client-side credentials (general_settings.allow_client_side_credentials) go in the HTTP call's auth
            // and base URL, never into the provider's body
            "api_key",
            "api_base",
            "base_url");

    private CanonicalBody() {}

    /**
     * {@link #prepare} for a request another surface translated to chat: {@code reasoning_effort} (mapped from
     * Anthropic's thinking or the Responses API's reasoning) only reaches deployments whose {@code model_info}
     * declares {@code supports_reasoning}, since models without reasoning refuse it.
     */
    public static ObjectNode prepareTranslated(ObjectNode chat, Deployment d) {
        ObjectNode body = prepare(chat, d);
        ObjectNode info = d.modelInfo().raw();
        if (info == null || !info.path("supports_reasoning").asBoolean(false)) {
            body.remove("reasoning_effort");
        }
        return body;
    }

    /**
     * Removes the gateway's own request fields from a body sent on in a provider's native format, but for those
     * that are also fields of that format (Anthropic's {@code metadata}).
     */
    public static void removeGatewayFields(ObjectNode body, Set<String> nativeFields) {
        for (String f : GATEWAY_FIELDS) {
            if (!nativeFields.contains(f)) {
                body.remove(f);
            }
        }
    }

    /**
     * A media request (images, audio, moderations, rerank) for one deployment: the upstream model name, gateway fields
     * removed, the deployment's extra params the client did not set (no max_tokens: these calls have none).
     */
    public static ObjectNode prepareMedia(ObjectNode body, Deployment d) {
        ObjectNode out = body.deepCopy();
        out.put("model", d.upstreamModel());
        out.remove(GATEWAY_FIELDS);
        out.remove("user_config");
        d.extraParams().fields().forEachRemaining(e -> {
            if (!out.has(e.getKey())) {
                out.set(e.getKey(), e.getValue());
            }
        });
        return out;
    }

    /** Whether a request field steers the gateway and is never sent to a provider. */
    public static boolean isGatewayField(String name) {
        return GATEWAY_FIELDS.contains(name);
    }

    /** A copy of {@code body} with the upstream model name, the deployment's defaults, gateway fields removed. */
    public static ObjectNode prepare(ObjectNode body, Deployment d) {
        ObjectNode out = body.deepCopy();
        out.put("model", d.upstreamModel());
        out.remove(GATEWAY_FIELDS);
        d.extraParams().fields().forEachRemaining(e -> {
            // AWS and Google credentials, region and project steer the Bedrock signer and the Vertex token source;
            // no provider body may carry them
            if (!out.has(e.getKey())
                    && !e.getKey().startsWith("aws_")
                    && !e.getKey().startsWith("vertex_")) {
                out.set(e.getKey(), e.getValue());
            }
        });
        if (d.maxTokens() != null && !out.has("max_tokens") && !out.has("max_completion_tokens")) {
            out.put("max_tokens", d.maxTokens());
        }
        return out;
    }
}
