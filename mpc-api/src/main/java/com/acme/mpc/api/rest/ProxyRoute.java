package com.acme.mpc.api.rest;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * An /api/* endpoint relayed to model-gateway.
 *
 * @param label the metric and cache label
 * @param gatewayPath the gateway's path
 * @param cacheable whether identical requests may be answered from the response cache
 * @param gatewayPath the gateway's path; {@code :id} / {@code :deployment} in it are the request's path parameters
 * @param anthropic whether the route speaks Anthropic's Messages API: its {@code anthropic-*} headers go on, and its
 *     errors are Anthropic's
 * @param bodyAsSent whether the JSON body is relayed unchanged, the app named in headers instead of {@code user} and
 *     {@code metadata.tags} (Anthropic refuses fields it does not know; OpenAI's Responses API takes only string
 *     metadata values and passes the body to OpenAI as it is)
 * @param upload whether the body is a multipart upload: streamed to the gateway as it arrives (never held whole),
 *     bounded by the upload limit, the app named in headers
 */
record ProxyRoute(
        String label,
        HttpMethod method,
        String path,
        String gatewayPath,
        boolean cacheable,
        boolean anthropic,
        boolean bodyAsSent,
        boolean upload) {

    /** A response id as the gateway and OpenAI write them; anything else names no response. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_\\-]{1,200}");

    ProxyRoute(String label, HttpMethod method, String path, String gatewayPath, boolean cacheable, boolean anthropic) {
        this(label, method, path, gatewayPath, cacheable, anthropic, anthropic, false);
    }

    ProxyRoute(
            String label,
            HttpMethod method,
            String path,
            String gatewayPath,
            boolean cacheable,
            boolean anthropic,
            boolean bodyAsSent) {
        this(label, method, path, gatewayPath, cacheable, anthropic, bodyAsSent, false);
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

    static final ProxyRoute IMAGES = json("images/generations");
    static final ProxyRoute IMAGE_EDITS = upload("images/edits");
    static final ProxyRoute TRANSCRIPTIONS = upload("audio/transcriptions");
    static final ProxyRoute TRANSLATIONS = upload("audio/translations");
    /** The answer is binary audio, relayed chunk by chunk as any answer. */
    static final ProxyRoute SPEECH = json("audio/speech");

    static final ProxyRoute MODERATIONS = json("moderations");
    static final ProxyRoute RERANK =
            new ProxyRoute("rerank", HttpMethod.POST, "/api/rerank", "/v1/rerank", false, false);
    static final ProxyRoute RERANK_V1 =
            new ProxyRoute("rerank", HttpMethod.POST, "/api/v1/rerank", "/v1/rerank", false, false);
    static final ProxyRoute RERANK_V2 =
            new ProxyRoute("rerank", HttpMethod.POST, "/api/v2/rerank", "/v2/rerank", false, false);
    /** OpenAI's models.retrieve; the id may hold slashes (written %2F by the SDKs). */
    static final ProxyRoute MODEL =
            new ProxyRoute("models/id", HttpMethod.GET, "/api/models/:id", "/v1/models/:id", false, false);
    /** Azure OpenAI SDK clients with base URL {@code <mpc-api>/api}: the deployment is the model group. */
    static final ProxyRoute AZURE_CHAT = azure("chat/completions");

    static final ProxyRoute AZURE_COMPLETIONS = azure("completions");
    static final ProxyRoute AZURE_EMBEDDINGS = azure("embeddings");

    /** The multipart upload paths: their own body limit (mpc-api.max-upload-size). */
    static boolean isUpload(String path) {
        return path != null
                && (path.endsWith("/audio/transcriptions")
                        || path.endsWith("/audio/translations")
                        || path.endsWith("/images/edits"));
    }

    private static ProxyRoute json(String operation) {
        return new ProxyRoute(operation, HttpMethod.POST, "/api/" + operation, "/v1/" + operation, false, false);
    }

    private static ProxyRoute upload(String operation) {
        return new ProxyRoute(
                operation, HttpMethod.POST, "/api/" + operation, "/v1/" + operation, false, false, false, true);
    }

    private static ProxyRoute azure(String operation) {
        return new ProxyRoute(
                "azure/" + operation,
                HttpMethod.POST,
                "/api/openai/deployments/:deployment/" + operation,
                "/openai/deployments/:deployment/" + operation,
                false,
                false);
    }

    /**
     * The gateway path of this call, with the request's path parameters (encoded again) in place; for a stored
     * response, null when the id cannot name one, and the client's query string of a GET (a list's paging).
     */
    String gatewayPath(RoutingContext rc) {
        if (label.equals("responses")) {
            return responsesPath(rc);
        }
        String out = gatewayPath;
        for (String name : new String[] {"id", "deployment"}) {
            String value = rc.pathParam(name);
            if (value != null && out.contains(":" + name)) {
                out = out.replace(
                        ":" + name,
                        URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20"));
            }
        }
        String query = rc.request().query();
        // Azure clients send api-version: relayed, as the gateway accepts it
        return label.startsWith("azure/") && query != null && !query.isEmpty() ? out + "?" + query : out;
    }

    private String responsesPath(RoutingContext rc) {
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
