package com.acme.mpc.api.rest;

import com.acme.mpc.api.client.CostTrackerClient;
import com.acme.mpc.api.client.ModelGatewayClient;
import com.acme.mpc.api.config.MpcApiConfig;
import com.acme.mpc.api.health.GatewayHealthProbe;
import com.acme.mpc.api.logging.AccessLog;
import com.acme.mpc.api.metrics.ApiMetrics;
import com.acme.mpc.api.service.AppKeys;
import com.acme.mpc.api.service.ClientRegistry;
import com.acme.mpc.api.service.GatewayKeys;
import com.acme.mpc.api.service.RateLimiter;
import com.acme.mpc.api.service.ResponseCache;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The HTTP surface of mpc-api, as Vert.x routes rather than JAX-RS resources: the proxy path stays on
 * the event loop with no per-request object mapping, and streaming plus disconnect handling work on
 * the raw request and response.
 *
 * <p>Every /api/* request passes, in order: body limit, request id and metrics, client authentication,
 * rate limit, then its endpoint.
 */
@ApplicationScoped
public class ApiRoutes {

    private static final Logger LOG = Logger.getLogger(ApiRoutes.class);
    private static final int ORDER = 1000;

    private final ApiMetrics metrics;
    private final AccessLog accessLog;
    private final ClientRegistry clients;
    private final AppKeys appKeys;
    private final GatewayKeys gatewayKeys;
    private final RateLimiter rateLimiter;
    private final BodyLimit bodyLimit;
    private final ProxyHandler proxy;
    private final UsageHandler usage;
    private final HealthHandler health;
    private final long maxBodySize;

    ApiRoutes(
            MpcApiConfig config,
            ApiMetrics metrics,
            ClientRegistry clients,
            AppKeys appKeys,
            GatewayKeys gatewayKeys,
            RateLimiter rateLimiter,
            ResponseCache cache,
            ModelGatewayClient gateway,
            CostTrackerClient costTracker,
            GatewayHealthProbe probe,
            AccessLog accessLog,
            ObjectMapper mapper,
            @ConfigProperty(name = "mpc-api.max-body-size", defaultValue = "10240K") MemorySize maxBodySize,
            @ConfigProperty(name = "quarkus.http.limits.max-body-size", defaultValue = "100M")
                    MemorySize maxUploadSize) {
        this.metrics = metrics;
        this.accessLog = accessLog;
        this.clients = clients;
        this.appKeys = appKeys;
        this.gatewayKeys = gatewayKeys;
        this.rateLimiter = rateLimiter;
        this.bodyLimit = new BodyLimit(maxBodySize.asLongValue(), maxUploadSize.asLongValue());
        this.maxBodySize = maxBodySize.asLongValue();
        // With no client tokens and no gateway key, callers may bring their own gateway (virtual) key.
        boolean forwardClientAuthorization =
                !clients.authenticationEnabled() && config.gateway().key().isEmpty();
        this.proxy = new ProxyHandler(gateway, cache, mapper, metrics, bodyLimit, forwardClientAuthorization);
        this.usage = new UsageHandler(costTracker);
        this.health = new HealthHandler(probe, mapper);
        LOG.infof(
                "mpc-api relays to model-gateway at %s; client authentication %s (%d clients), response cache %s",
                gateway.displayUrl(),
                clients.authenticationEnabled() ? "on" : "off",
                clients.size(),
                cache.enabled() ? "on" : "off");
    }

    void register(@Observes Router router) {
        router.route("/api/*").order(BodyLimit.ROUTE_ORDER).handler(bodyLimit);
        router.route("/api/*")
                .order(ORDER)
                .handler(new RequestTracking(metrics, accessLog))
                .failureHandler(this::failure);
        router.route("/api/*").order(ORDER + 1).handler(new ClientAuthentication(clients, appKeys, gatewayKeys));
        router.route("/api/*").order(ORDER + 2).handler(new ClientRateLimit(rateLimiter, metrics));
        int order = ORDER + 3;
        java.util.List<ProxyRoute> routes = new java.util.ArrayList<>(java.util.List.of(
                ProxyRoute.MODELS,
                ProxyRoute.CHAT,
                ProxyRoute.COMPLETIONS,
                ProxyRoute.EMBEDDINGS,
                ProxyRoute.MESSAGES,
                ProxyRoute.COUNT_TOKENS,
                ProxyRoute.IMAGES,
                ProxyRoute.IMAGE_EDITS,
                ProxyRoute.TRANSCRIPTIONS,
                ProxyRoute.TRANSLATIONS,
                ProxyRoute.SPEECH,
                ProxyRoute.MODERATIONS,
                ProxyRoute.RERANK,
                ProxyRoute.RERANK_V1,
                ProxyRoute.RERANK_V2,
                ProxyRoute.AZURE_CHAT,
                ProxyRoute.AZURE_COMPLETIONS,
                ProxyRoute.AZURE_EMBEDDINGS));
        // OpenAI SDKs append /responses to their base URL: /api (as for chat) or /api/v1
        routes.addAll(java.util.List.of(ProxyRoute.responses("/api")));
        routes.addAll(java.util.List.of(ProxyRoute.responses("/api/v1")));
        for (ProxyRoute route : routes) {
            router.route(route.method(), route.path()).order(order++).handler(rc -> proxy.handle(rc, route));
        }
        // a model id may hold slashes: everything after /api/models/ is the id
        router.routeWithRegex(HttpMethod.GET, "/api/models/(?<id>.+)")
                .order(order++)
                .handler(rc -> proxy.handle(rc, ProxyRoute.MODEL));
        router.get("/api/usage").order(order++).handler(usage::handle);
        router.route("/api/*").order(order).handler(ApiRoutes::notFound);
        router.get("/health").order(ORDER).handler(health::handle);
    }

    private static void notFound(io.vertx.ext.web.RoutingContext rc) {
        ApiErrors.send(
                rc,
                404,
                "Unknown endpoint: " + rc.request().method() + " "
                        + rc.request().path(),
                OpenAiErrors.INVALID_REQUEST,
                "unknown_url");
    }

    private void failure(io.vertx.ext.web.RoutingContext rc) {
        if (rc.statusCode() >= 400 && rc.statusCode() < 500) {
            // decided below the handlers (e.g. no Host header): the client's mistake, said in its terms
            HttpLayerErrors.clientError(rc, rc.statusCode(), maxBodySize);
            return;
        }
        LOG.errorf(rc.failure(), "request %s failed", RequestTracking.requestId(rc));
        ApiErrors.send(
                rc,
                rc.statusCode() >= 400 && rc.statusCode() < 500 ? rc.statusCode() : 500,
                "mpc-api failed to handle the request",
                OpenAiErrors.API_ERROR,
                null);
    }
}
