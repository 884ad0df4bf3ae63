package com.acme.mpc.api.rest;

import io.vertx.core.http.HttpMethod;

/**
 * An /api/* endpoint relayed to model-gateway.
 *
 * @param label the metric and cache label
 * @param gatewayPath the gateway's path
 * @param cacheable whether identical requests may be answered from the response cache
 */
record ProxyRoute(String label, HttpMethod method, String path, String gatewayPath, boolean cacheable) {

    static final ProxyRoute MODELS = new ProxyRoute("models", HttpMethod.GET, "/api/models", "/v1/models", false);
    static final ProxyRoute CHAT =
            new ProxyRoute("chat/completions", HttpMethod.POST, "/api/chat/completions", "/v1/chat/completions", true);
    static final ProxyRoute COMPLETIONS =
            new ProxyRoute("completions", HttpMethod.POST, "/api/completions", "/v1/completions", true);
    static final ProxyRoute EMBEDDINGS =
            new ProxyRoute("embeddings", HttpMethod.POST, "/api/embeddings", "/v1/embeddings", true);

    boolean hasBody() {
        return method == HttpMethod.POST;
    }
}
