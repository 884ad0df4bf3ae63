package com.acme.mpc.api.rest;

import io.vertx.core.http.HttpMethod;

/**
 * An /api/* endpoint relayed to model-gateway.
 *
 * @param label the metric and cache label
 * @param gatewayPath the gateway's path
 * @param cacheable whether identical requests may be answered from the response cache
 * @param anthropic whether the route speaks Anthropic's Messages API: its body is relayed unchanged (Anthropic
 *     refuses fields it does not know, so the app is named in headers instead), its {@code anthropic-*} headers go
 *     on, and its errors are Anthropic's
 */
record ProxyRoute(
        String label, HttpMethod method, String path, String gatewayPath, boolean cacheable, boolean anthropic) {

    static final ProxyRoute MODELS =
            new ProxyRoute("models", HttpMethod.GET, "/api/models", "/v1/models", false, false);
    static final ProxyRoute CHAT = new ProxyRoute(
            "chat/completions", HttpMethod.POST, "/api/chat/completions", "/v1/chat/completions", true, false);
    static final ProxyRoute COMPLETIONS =
            new ProxyRoute("completions", HttpMethod.POST, "/api/completions", "/v1/completions", true, false);
    static final ProxyRoute EMBEDDINGS =
            new ProxyRoute("embeddings", HttpMethod.POST, "/api/embeddings", "/v1/embeddings", true, false);
    /** Anthropic's SDKs and Claude Code append /v1/messages to their base URL: theirs is {@code <mpc-api>/api}. */
    static final ProxyRoute MESSAGES =
            new ProxyRoute("messages", HttpMethod.POST, "/api/v1/messages", "/v1/messages", true, true);

    static final ProxyRoute COUNT_TOKENS = new ProxyRoute(
            "messages/count_tokens",
            HttpMethod.POST,
            "/api/v1/messages/count_tokens",
            "/v1/messages/count_tokens",
            false,
            true);

    boolean hasBody() {
        return method == HttpMethod.POST;
    }
}
