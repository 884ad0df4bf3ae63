package com.acme.mpc.gateway.provider.cohere;

import com.acme.mpc.gateway.config.Deployment;
import com.acme.mpc.gateway.config.ProviderKind;
import com.acme.mpc.gateway.core.GatewayException;
import io.vertx.core.MultiMap;
import java.net.URI;

/**
 * Where and how a {@code cohere/} or {@code cohere_chat/} deployment reaches Cohere: the v2 base URL and the bearer
 * key. Shared by every Cohere route (chat, embed, rerank), so each builds the same URL and headers.
 */
public final class CohereAccess {
    private CohereAccess() {}

    /**
     * {@code {api_base}/v2/{path}}; an api_base that already ends in {@code /v2} (or {@code /v1}, which Cohere's v2
     * routes do not use) keeps its version off.
     */
    public static URI url(Deployment d, String path) {
        String base = d.apiBase() == null
                ? ProviderKind.COHERE.defaultApiBase()
                : d.apiBase().toString();
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        if (base.endsWith("/v2") || base.endsWith("/v1")) {
            base = base.substring(0, base.length() - 3);
        }
        return URI.create(base + "/v2/" + path);
    }

    /** The deployment's extra_headers, then JSON content, the bearer key and Cohere's client name header. */
    public static MultiMap headers(Deployment d, boolean stream) {
        if (d.apiKey() == null || d.apiKey().isBlank()) {
            throw new GatewayException(
                    401,
                    "authentication_error",
                    "cohere deployment '" + d.id() + "' has no api_key and COHERE_API_KEY is not set",
                    null,
                    "missing_provider_key",
                    false);
        }
        MultiMap h = MultiMap.caseInsensitiveMultiMap();
        d.headers().forEach(h::set);
        return h.set("content-type", "application/json")
                .set("accept", stream ? "text/event-stream" : "application/json")
                .set("authorization", "Bearer " + d.apiKey())
                .set("x-client-name", "mpc-gateway");
    }
}
