package com.acme.mpc.gateway.admin;

import com.acme.mpc.gateway.api.ApiErrors;
import com.acme.mpc.gateway.api.Authenticator;
import com.acme.mpc.gateway.api.HttpLayerErrors;
import com.acme.mpc.gateway.config.ConfigHolder;
import com.acme.mpc.gateway.config.GatewaySettings;
import com.acme.mpc.gateway.core.GatewayException;
import com.acme.mpc.gateway.logging.RequestIds;
import com.acme.mpc.gateway.usage.CostTrackerSettings;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * LiteLLM's management routes on the gateway's port ({@code /key/*}, {@code /team/*}, {@code /user/*},
 * {@code /customer/*}, {@code /end_user/*}, {@code /budget/*}, {@code /spend/*}, {@code /global/*}, {@code
 * /model/new|update|delete} through {@link StoredModelRoutes}), relayed over HTTP to cost-tracker, which owns the data. The model-call hot path is
 * untouched: these routes have their own HTTP client and pool. The master key is required, checked here; the one
 * exception is a virtual key reading its own record ({@code GET /key/info}), which cost-tracker decides. Only the route's method, normalized path, query string, body and content type are forwarded; the caller's
 * credential headers are replaced by one {@code Authorization: Bearer}.
 */
@ApplicationScoped
public class AdminRelay {
    private static final Logger LOG = Logger.getLogger(AdminRelay.class);

    /** Route prefixes relayed to cost-tracker (each matches the prefix itself and everything below it). */
    static final List<String> PREFIXES =
            List.of("/key", "/v2/key", "/team", "/user", "/customer", "/end_user", "/budget", "/spend", "/global");

    /**
     * Single routes relayed besides the prefixes: none today ({@code /model/info} is the gateway's own; {@code
     * /model/new|update|delete} are checked first by {@link StoredModelRoutes}).
     */
    static final List<String> ROUTES = List.of();

    /** Routes a virtual key may call for itself; cost-tracker checks that it reads only its own record. */
    private static final Set<String> SELF_SERVICE = Set.of("/key/info");

    /**
     * cost-tracker's response headers a client needs: besides the body's type, {@code x-next-page} (more
     * {@code /spend/logs} rows exist: the UI's paging) and {@code content-disposition} (a report's CSV file name).
     */
    static final Set<String> RESPONSE_HEADERS =
            Set.of("content-type", "retry-after", "allow", "x-next-page", "content-disposition");

    private final Vertx vertx;
    private final String base;
    private final byte[] masterKey;
    private final String masterKeyText;
    private final long timeoutMs;
    private final long maxBodySize;
    private volatile HttpClient client;

    private final SpendCalculateHandler spendCalculate;

    public AdminRelay(
            Vertx vertx,
            CostTrackerSettings costTracker,
            ConfigHolder holder,
            GatewaySettings settings,
            SpendCalculateHandler spendCalculate) {
        this.vertx = vertx;
        this.spendCalculate = spendCalculate;
        this.base = costTracker.url().map(u -> u.replaceAll("/+$", "")).orElse(null);
        this.masterKeyText = holder.config().masterKey();
        this.masterKey = masterKeyText == null ? null : masterKeyText.getBytes(StandardCharsets.UTF_8);
        this.timeoutMs = costTracker.adminRequestTimeout().toMillis();
        this.maxBodySize = settings.maxBodySize();
    }

    void register(@Observes Router router) {
        BodyHandler body = BodyHandler.create(false).setBodyLimit(maxBodySize).setHandleFileUploads(false);
        // the gateway prices this one itself (it has the deployments' prices); registered before the /spend prefix
        router.post("/spend/calculate")
                .handler(body)
                .handler(spendCalculate::handle)
                .failureHandler(AdminRelay::failure);
        router.route("/spend/calculate").handler(ctx -> {
            ctx.response().putHeader("allow", "POST");
            ApiErrors.write(
                    ctx.response(),
                    new GatewayException(
                            405,
                            "invalid_request_error",
                            ctx.request().method() + " is not allowed on /spend/calculate; use POST",
                            null,
                            "method_not_allowed",
                            false));
        });
        for (String prefix : PREFIXES) {
            route(router, prefix, body);
            route(router, prefix + "/*", body);
        }
        for (String path : ROUTES) {
            route(router, path, body);
        }
    }

    private void route(Router router, String path, BodyHandler body) {
        router.route(path).handler(body).handler(this::relay).failureHandler(AdminRelay::failure);
    }

    static void failure(RoutingContext ctx) {
        GatewayException e = ctx.statusCode() == 413
                ? new GatewayException(
                        413, "invalid_request_error", "request body too large", null, "request_too_large", false)
                : ctx.statusCode() >= 400 && ctx.statusCode() < 500
                        ? HttpLayerErrors.clientError(ctx, ctx.statusCode(), 0)
                        : new GatewayException(500, "api_error", "internal gateway error", null, null, false);
        if (e.status() == 500) {
            LOG.error("unhandled failure on admin route " + ctx.normalizedPath(), ctx.failure());
        }
        ApiErrors.write(ctx.response(), e);
    }

    void relay(RoutingContext ctx) {
        String path = ctx.normalizedPath();
        String credential;
        try {
            credential = credential(ctx.request(), path);
        } catch (GatewayException e) {
            ApiErrors.write(ctx.response(), e);
            return;
        }
        if (base == null) {
            ApiErrors.write(
                    ctx.response(),
                    new GatewayException(
                            503,
                            "api_error",
                            "admin routes need cost-tracker: set COST_TRACKER_URL (gateway.cost-tracker.url)",
                            null,
                            "cost_tracker_not_configured",
                            false));
            return;
        }
        HttpServerRequest in = ctx.request();
        String query = in.query();
        RequestOptions o = new RequestOptions()
                .setMethod(in.method())
                .setAbsoluteURI(base + path + (query == null || query.isEmpty() ? "" : "?" + query))
                .setTimeout(timeoutMs)
                .putHeader("accept", "application/json");
        if (credential != null) {
            o.putHeader("authorization", "Bearer " + credential);
        }
        String requestId = RequestIds.of(ctx);
        if (requestId != null) {
            o.putHeader(RequestIds.HEADER, requestId);
        }
        Buffer body = ctx.body() == null ? null : ctx.body().buffer();
        boolean hasBody = body != null && body.length() > 0 && in.method() != HttpMethod.GET;
        if (hasBody) {
            String type = in.getHeader("content-type");
            o.putHeader("content-type", type == null ? "application/json" : type);
        }
        client().request(o)
                .compose(req -> hasBody ? req.send(body) : req.send())
                .compose(resp -> resp.body().map(b -> {
                    var out = ctx.response().setStatusCode(resp.statusCode());
                    resp.headers().forEach((name, value) -> {
                        if (RESPONSE_HEADERS.contains(name.toLowerCase())) {
                            out.putHeader(name, value);
                        }
                    });
                    return b;
                }))
                .onSuccess(b -> {
                    if (!ctx.response().ended()) {
                        ctx.response().end(b);
                    }
                })
                .onFailure(t -> ApiErrors.write(
                        ctx.response(),
                        new GatewayException(
                                503,
                                "api_error",
                                "cost-tracker unreachable for " + path + " ("
                                        + t.getClass().getSimpleName() + "); try again shortly",
                                null,
                                "cost_tracker_unavailable",
                                true,
                                1000)));
    }

    /**
     * The key to send on to cost-tracker: the master key; a virtual key only on the self-service routes. Fails with
     * 401 for a missing key and for any other key on the other routes. Without a master key configured the gateway is
     * open (local demo) and so are these routes.
     */
    private String credential(HttpServerRequest request, String path) {
        if (masterKey == null) {
            return null;
        }
        String presented = Authenticator.presentedKey(request);
        if (presented == null) {
            throw GatewayException.unauthorized("missing API key: admin routes need the master key as "
                    + "'Authorization: Bearer <key>', 'x-api-key', 'api-key' or 'x-litellm-api-key'");
        }
        if (MessageDigest.isEqual(masterKey, presented.getBytes(StandardCharsets.UTF_8))) {
            return masterKeyText;
        }
        if (SELF_SERVICE.contains(path) && request.method() == HttpMethod.GET) {
            return presented;
        }
        throw GatewayException.unauthorized(
                "admin routes need the master key; " + path + " was called with another key");
    }

    private HttpClient client() {
        HttpClient c = client;
        if (c == null) {
            synchronized (this) {
                if (client == null) {
                    client = vertx.createHttpClient(
                            new HttpClientOptions().setKeepAlive(true).setConnectTimeout((int)
                                    Math.min(timeoutMs, 10_000)),
                            new PoolOptions().setHttp1MaxSize(16));
                }
                c = client;
            }
        }
        return c;
    }

    @PreDestroy
    void close() {
        if (client != null) {
            client.close();
        }
    }
}
