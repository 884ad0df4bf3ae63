package com.acme.mpc.api.rest;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.util.regex.Pattern;

/**
 * An /api/* endpoint relayed to model-gateway.
 *
 * @param label the metric and cache label
 * @param gatewayPath the gateway's path
 * @param cacheable whether identical requests may be answered from the response cache
 * @param gatewayPath the gateway's path; {@code :id} in it is the request's {@code id} path parameter
 * @param anthropic whether the route speaks Anthropic's Messages API: its {@code anthropic-*} headers go on, and its
 *     errors are Anthropic's
 * @param bodyAsSent whether the body is relayed unchanged, the app named in headers instead of {@code user} and
 *     {@code metadata.tags} (Anthropic refuses fields it does not know; OpenAI's Responses API takes only string
 *     metadata values and passes the body to OpenAI as it is)
 */
record ProxyRoute(
        String label,
        HttpMethod method,
        String path,
        String gatewayPath,
        boolean cacheable,
        boolean anthropic,
        boolean bodyAsSent) {

    /** A response id as the gateway and OpenAI write them; anything else names no response. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_\\-]{1,200}");

    ProxyRoute(String label, HttpMethod method, String path, String gatewayPath, boolean cacheable, boolean anthropic) {
        this(label, method, path, gatewayPath, cacheable, anthropic, anthropic);
    }

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

    /** OpenAI's Responses API: created, then read, listed, cancelled and deleted by id. */
    static ProxyRoute[] responses(String prefix) {
        String label = "responses";
        return new ProxyRoute[] {
            new ProxyRoute(label, HttpMethod.POST, prefix + "/responses", "/v1/responses", false, false, true),
            new ProxyRoute(label, HttpMethod.GET, prefix + "/responses/:id", "/v1/responses/:id", false, false, true),
            new ProxyRoute(
                    label, HttpMethod.DELETE, prefix + "/responses/:id", "/v1/responses/:id", false, false, true),
            new ProxyRoute(
                    label,
                    HttpMethod.GET,
                    prefix + "/responses/:id/input_items",
                    "/v1/responses/:id/input_items",
                    false,
                    false,
                    true),
            new ProxyRoute(
                    label,
                    HttpMethod.POST,
                    prefix + "/responses/:id/cancel",
                    "/v1/responses/:id/cancel",
                    false,
                    false,
                    true)
        };
    }

    /**
     * The gateway path of this request: {@code :id} filled in (null when the id cannot name a response), and the
     * client's query string of a GET (a list's paging).
     */
    String gatewayPath(RoutingContext rc) {
        if (!gatewayPath.contains(":id")) {
            return gatewayPath;
        }
        String id = rc.pathParam("id");
        if (id == null || !ID.matcher(id).matches()) {
            return null;
        }
        String path = gatewayPath.replace(":id", id);
        String query = rc.request().query();
        return method == HttpMethod.GET && query != null && !query.isEmpty() ? path + "?" + query : path;
    }

    boolean hasBody() {
        return method == HttpMethod.POST;
    }
}
