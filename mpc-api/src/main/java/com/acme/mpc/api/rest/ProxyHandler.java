package com.acme.mpc.api.rest;

import com.acme.mpc.api.client.GatewayCall;
import com.acme.mpc.api.client.GatewayFailure;
import com.acme.mpc.api.client.GatewayRequest;
import com.acme.mpc.api.client.ModelGatewayClient;
import com.acme.mpc.api.metrics.ApiMetrics;
import com.acme.mpc.api.service.Attribution;
import com.acme.mpc.api.service.ClientRegistry;
import com.acme.mpc.api.service.RequestIds;
import com.acme.mpc.api.service.ResponseCache;
import com.acme.mpc.api.service.ResponseCache.CachedResponse;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.impl.ContextInternal;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.util.Locale;
import java.util.Set;

/**
 * Relays an /api/* call to model-gateway. The body is passed through as bytes, parsed once only when
 * attribution must be added or the cache consulted. The answer is relayed chunk by chunk as it arrives
 * (an SSE stream is never buffered), and a client that goes away resets the upstream request.
 */
final class ProxyHandler {

    /** Headers that describe one hop, not the message (RFC 9110 7.6.1), or that mpc-api sets itself. */
    private static final Set<String> NOT_RELAYED = Set.of(
            "connection",
            "keep-alive",
            "proxy-connection",
            "transfer-encoding",
            "te",
            "trailer",
            "upgrade",
            "content-length",
            RequestIds.HEADER);

    static final String END_USER_HEADER = "x-mpc-end-user";
    /** model-gateway's (LiteLLM's) spend tags header, comma-separated. */
    static final String TAGS_HEADER = "x-litellm-tags";

    private static final String[] ANTHROPIC_HEADERS = {"anthropic-version", "anthropic-beta"};

    private final ModelGatewayClient gateway;
    private final ResponseCache cache;
    private final ObjectMapper mapper;
    private final ApiMetrics metrics;
    private final BodyLimit bodyLimit;
    private final boolean forwardClientAuthorization;

    ProxyHandler(
            ModelGatewayClient gateway,
            ResponseCache cache,
            ObjectMapper mapper,
            ApiMetrics metrics,
            BodyLimit bodyLimit,
            boolean forwardClientAuthorization) {
        this.gateway = gateway;
        this.cache = cache;
        this.mapper = mapper;
        this.metrics = metrics;
        this.bodyLimit = bodyLimit;
        this.forwardClientAuthorization = forwardClientAuthorization;
    }

    void handle(RoutingContext rc, ProxyRoute route) {
        RequestTracking.route(rc, route.label());
        if (route.gatewayPath(rc) == null) {
            ApiErrors.send(
                    rc,
                    404,
                    "No response found with id '" + rc.pathParam("id") + "'.",
                    OpenAiErrors.INVALID_REQUEST,
                    null);
            return;
        }
        if (!route.hasBody()) {
            forward(rc, route, null, null);
            return;
        }
        if (route.upload()) {
            // a multipart upload (audio, image edits) goes on as it arrives, with back-pressure: never held whole
            forward(rc, route, null, null);
            return;
        }
        bodyLimit.read(rc.request()).onComplete(read -> {
            if (read.succeeded()) {
                onBody(rc, route, read.result());
            } else if (read.cause() instanceof BodyLimit.TooLarge) {
                bodyLimit.reject(rc);
            } else {
                rc.response().reset();
            }
        });
    }

    private void onBody(RoutingContext rc, ProxyRoute route, Buffer body) {
        String client = RequestTracking.client(rc);
        // an Anthropic body is relayed as sent: forward() names the app in headers instead
        boolean attribute = !ClientRegistry.ANONYMOUS.equals(client) && !route.bodyAsSent();
        boolean useCache = cache.enabled() && route.cacheable();
        if (!attribute && !useCache) {
            forward(rc, route, body, null);
            return;
        }
        ObjectNode json;
        try {
            if (!(mapper.readTree(body.getBytes()) instanceof ObjectNode object)) {
                badRequest(rc, "The request body must be a JSON object.");
                return;
            }
            json = object;
        } catch (IOException e) {
            badRequest(rc, "We could not parse the JSON body of your request: it is not valid JSON.");
            return;
        }
        String cacheKey = null;
        if (useCache) {
            String cacheControl = rc.request().getHeader("cache-control");
            cacheControl = cacheControl == null ? "" : cacheControl.toLowerCase(Locale.ROOT);
            rc.response().putHeader("x-cache", "MISS");
            if (json.path("stream").asBoolean(false)) {
                metrics.cache("bypass");
            } else {
                String key = cache.key(route.label(), client, json);
                if (cacheControl.contains("no-cache")) {
                    metrics.cache("bypass");
                } else {
                    CachedResponse hit = cache.get(key);
                    if (hit != null) {
                        metrics.cache("hit");
                        rc.response()
                                .putHeader("x-cache", "HIT")
                                .putHeader("content-type", hit.contentType())
                                .end(Buffer.buffer(hit.body()));
                        return;
                    }
                    metrics.cache("miss");
                }
                cacheKey = cacheControl.contains("no-store") ? null : key;
            }
        }
        if (attribute) {
            Attribution.apply(json, client);
            try {
                body = Buffer.buffer(mapper.writeValueAsBytes(json));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        forward(rc, route, body, cacheKey);
    }

    private void forward(RoutingContext rc, ProxyRoute route, Buffer body, String cacheKey) {
        HttpServerRequest request = rc.request();
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        if (body != null || route.upload()) {
            String contentType = request.getHeader("content-type");
            headers.set("content-type", contentType != null ? contentType : "application/json");
        }
        if (route.upload()) {
            String length = request.getHeader("content-length");
            if (length != null) {
                headers.set("content-length", length);
            }
        }
        String accept = request.getHeader("accept");
        if (accept != null) {
            headers.set("accept", accept);
        }
        headers.set(RequestIds.HEADER, RequestTracking.requestId(rc));
        String client = RequestTracking.client(rc);
        headers.set(END_USER_HEADER, client);
        if (route.bodyAsSent()) {
            namedInHeaders(request, client, route.anthropic(), headers);
        } else if (route.upload()) {
            // a streamed form is relayed as sent: the app is named by the end-user and tags headers
            tagsHeader(request, client, headers);
        }
        String appKey = RequestTracking.gatewayKey(rc);
        if (appKey != null) {
            // the app's own gateway key: its budget, limits and allowed models apply
            headers.set("authorization", "Bearer " + appKey);
        } else if (forwardClientAuthorization) {
            String authorization = request.getHeader("authorization");
            if (authorization != null) {
                headers.set("authorization", authorization);
            }
            for (String name : new String[] {ClientAuthentication.API_KEY, ClientAuthentication.AZURE_API_KEY}) {
                String apiKey = request.getHeader(name);
                if (apiKey != null) {
                    headers.set(name, apiKey);
                }
            }
        }
        GatewayCall[] started = new GatewayCall[1];
        GatewayCall call = gateway.send(
                route.upload()
                        ? GatewayRequest.streamed(
                                route.method(),
                                route.gatewayPath(rc),
                                headers,
                                new LimitedUpload(request, bodyLimit.uploadLimit(), () -> {
                                    // a chunked upload passed the limit while it was relayed
                                    if (started[0] != null) {
                                        started[0].cancel();
                                    }
                                    bodyLimit.reject(rc);
                                }))
                        : new GatewayRequest(route.method(), route.gatewayPath(rc), headers, body));
        started[0] = call;
        rc.addEndHandler(end -> {
            if (end.failed()) {
                call.cancel();
            }
        });
        ContextInternal context = (ContextInternal) rc.vertx().getOrCreateContext();
        call.response()
                .whenComplete((response, error) -> onContext(context, () -> {
                    if (error != null) {
                        fail(rc, error);
                    } else {
                        relay(rc, route, response, call, cacheKey);
                    }
                }));
    }

    /**
     * The app as spend tag {@code app:<name>} in the gateway's tag header, after the client's own tags; on Anthropic
     * routes also the API version and beta features the client asked for (the gateway hands them to Anthropic
     * deployments).
     */
    private static void namedInHeaders(HttpServerRequest request, String client, boolean anthropic, MultiMap headers) {
        if (anthropic) {
            for (String name : ANTHROPIC_HEADERS) {
                String value = request.getHeader(name);
                if (value != null) {
                    headers.set(name, value);
                }
            }
        }
        tagsHeader(request, client, headers);
    }

    /** The client's spend tags and the app as tag {@code app:<name>}, in the gateway's tag header. */
    private static void tagsHeader(HttpServerRequest request, String client, MultiMap headers) {
        String tags = request.getHeader(TAGS_HEADER);
        if (!ClientRegistry.ANONYMOUS.equals(client)) {
            String app = Attribution.TAG_PREFIX + client;
            tags = tags == null || tags.isBlank() ? app : tags + "," + app;
        }
        if (tags != null) {
            headers.set(TAGS_HEADER, tags);
        }
    }

    private static void onContext(ContextInternal context, Runnable action) {
        if (context.nettyEventLoop().inEventLoop()) {
            action.run();
        } else {
            context.runOnContext(v -> action.run());
        }
    }

    private void relay(
            RoutingContext rc, ProxyRoute route, HttpClientResponse upstream, GatewayCall call, String cacheKey) {
        HttpServerResponse response = rc.response();
        if (response.closed() || response.ended() || response.headWritten()) {
            call.cancel();
            return;
        }
        response.setStatusCode(upstream.statusCode());
        MultiMap out = response.headers();
        upstream.headers().forEach(header -> {
            if (!NOT_RELAYED.contains(header.getKey().toLowerCase(Locale.ROOT))) {
                out.add(header.getKey(), header.getValue());
            }
        });
        String contentType = upstream.getHeader("content-type");
        boolean sse = contentType != null && contentType.startsWith("text/event-stream");
        if (cacheKey != null && upstream.statusCode() == 200 && !sse) {
            upstream.body().onComplete(read -> {
                if (read.succeeded()) {
                    cache.put(
                            cacheKey,
                            new CachedResponse(contentType, read.result().getBytes()));
                    response.end(read.result());
                } else {
                    fail(rc, gatewayFailure(read.cause()));
                }
            });
            upstream.resume();
            call.onFailure(error -> fail(rc, gatewayFailure(error)));
            return;
        }
        String length = upstream.getHeader("content-length");
        if (length != null) {
            response.putHeader("content-length", length);
        } else {
            response.setChunked(true);
        }
        upstream.handler(chunk -> {
            // Each write is flushed at once: a streamed token reaches the client as soon as it arrives.
            response.write(chunk);
            if (response.writeQueueFull()) {
                upstream.pause();
                response.drainHandler(v -> upstream.resume());
            }
        });
        upstream.endHandler(v -> response.end());
        upstream.resume();
        // A failure skips the queue of paused chunks: report it after the chunks already received.
        call.onFailure(error -> rc.vertx().runOnContext(v -> failMidStream(rc, route, sse, error)));
    }

    private GatewayFailure gatewayFailure(Throwable error) {
        return gateway.translate(error);
    }

    /** The status line is gone: an SSE client gets an error event, any other client a cut connection. */
    private void failMidStream(RoutingContext rc, ProxyRoute route, boolean sse, Throwable error) {
        HttpServerResponse response = rc.response();
        if (response.ended() || response.closed()) {
            return;
        }
        if (!sse) {
            response.reset();
            return;
        }
        String message = ModelGatewayClient.isTimeout(error)
                ? "model-gateway stopped sending the stream (timeout)"
                : "model-gateway broke off the stream";
        Buffer event = route.anthropic()
                ? AnthropicErrors.sseEvent(502, message)
                : Buffer.buffer("data: ")
                        .appendBuffer(OpenAiErrors.body(message, OpenAiErrors.API_ERROR, "gateway_stream_interrupted"))
                        .appendString("\n\n");
        response.end(event);
    }

    private void fail(RoutingContext rc, Throwable error) {
        HttpServerResponse response = rc.response();
        if (response.ended()) {
            // answered already (an upload over its limit, whose gateway call was then cancelled)
            return;
        }
        GatewayFailure failure = gatewayFailure(error);
        if (failure.retryAfterSeconds() > 0 && !response.headWritten()) {
            response.putHeader("retry-after", Long.toString(failure.retryAfterSeconds()));
        }
        ApiErrors.send(rc, failure.status(), failure.getMessage(), OpenAiErrors.API_ERROR, failure.code());
    }

    private static void badRequest(RoutingContext rc, String message) {
        ApiErrors.send(rc, 400, message, OpenAiErrors.INVALID_REQUEST, "invalid_json");
    }
}
