package com.acme.mpc.api.rest;

import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.VertxException;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Every answer the HTTP layer itself would give, below mpc-api's routes (no route, a path the router cannot decode, an
 * oversized URI, header block or body, a missing Host, an unsupported {@code Expect}), in the shape of the API the path
 * belongs to ({@link ApiErrors}: Anthropic's on /api/v1/messages..., OpenAI's elsewhere) instead of Vert.x's HTML
 * page, Quarkus' {@code {"details":"Error id ..."}} or an empty body. The /api/* body limit itself
 * (chunked bodies included) stays with {@link BodyLimit}.
 *
 * <p>The URI and header limits are checked here, below the transport ceilings of {@code quarkus.http.limits}
 * (application.properties): a request past a ceiling never reaches a route and gets the HTTP codec's bare status.
 */
@ApplicationScoped
public class HttpLayerErrors {
    private static final Logger LOG = Logger.getLogger(HttpLayerErrors.class);

    /** Before {@link BodyLimit}, Quarkus' body-size check (-2) and every route. */
    static final int FIRST = -10_000;
    /** Failures nothing else handled, just before Quarkus' catch-all (order Integer.MAX_VALUE). */
    static final int LAST = Integer.MAX_VALUE - 1;

    /** Longest accepted request target (path and query). */
    public static final int MAX_URI_LENGTH = 8192;
    /** Largest accepted header block (names, values and separators). */
    public static final int MAX_HEADER_BYTES = 20 * 1024;

    private static final Map<Integer, String> CODES = Map.of(
            400, "bad_request",
            404, "not_found",
            405, "method_not_allowed",
            406, "not_acceptable",
            413, "request_too_large",
            414, "uri_too_long",
            415, "unsupported_media_type",
            417, "expectation_failed",
            431, "headers_too_large");

    private final long maxBodySize;
    private final long maxUploadSize;

    private long limitOf(RoutingContext ctx) {
        return ProxyRoute.isUpload(ctx.request().path()) ? maxUploadSize : maxBodySize;
    }

    public HttpLayerErrors(
            @ConfigProperty(name = "mpc-api.max-body-size", defaultValue = "10240K") MemorySize maxBodySize,
            @ConfigProperty(name = "quarkus.http.limits.max-body-size", defaultValue = "100M")
                    MemorySize maxUploadSize) {
        this.maxBodySize = maxBodySize.asLongValue();
        this.maxUploadSize = maxUploadSize.asLongValue();
    }

    void register(@Observes Router router) {
        router.route().order(FIRST).handler(this::admit);
        router.route().order(LAST).failureHandler(this::failure);
        // what the router answers by itself (no route, no method, an undecodable path such as /%zz)
        for (int status : List.of(400, 404, 405, 406, 413, 414, 415, 417, 431)) {
            router.errorHandler(status, ctx -> refuse(ctx, status));
        }
        router.errorHandler(500, this::failure);
    }

    /** Refuses what no route should see: an oversized URI or header block, a missing Host, a bad Content-Length. */
    private void admit(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        if (request.uri().length() > MAX_URI_LENGTH) {
            send(ctx, 414, "Request URI longer than " + MAX_URI_LENGTH + " characters");
            return;
        }
        if (headerBytes(request) > MAX_HEADER_BYTES) {
            send(ctx, 431, "Request headers larger than " + MAX_HEADER_BYTES + " bytes");
            return;
        }
        String host = request.headers().get("host");
        if ((host == null || host.isBlank()) && request.version() == HttpVersion.HTTP_1_1) {
            send(ctx, 400, "Missing Host header");
            return;
        }
        if (request.getHeader("origin") != null && !isHostName(host)) {
            // Quarkus' CORS filter compares the Origin with the Host as a URI and fails (a 500) on a host it cannot
            // parse (empty, an underscore, ...)
            send(ctx, 400, "Invalid Host header");
            return;
        }
        String expect = request.getHeader("expect");
        if (expect != null && !expect.equalsIgnoreCase("100-continue")) {
            send(ctx, 417, expectation(expect));
            return;
        }
        String length = request.getHeader("content-length");
        if (length != null) {
            long n;
            try {
                n = Long.parseLong(length.strip());
            } catch (NumberFormatException e) {
                n = -1;
            }
            if (n < 0) {
                send(ctx, 400, "Invalid Content-Length header");
                return;
            }
            if (n > limitOf(ctx)) {
                send(ctx, 413, "Request body too large: the limit is " + limitOf(ctx) + " bytes.");
                return;
            }
        }
        ctx.next();
    }

    private void failure(RoutingContext ctx) {
        int status = ctx.failure() instanceof HttpException http ? http.getStatusCode() : ctx.statusCode();
        if (status >= 400 && status < 500) {
            refuse(ctx, status);
            return;
        }
        LOG.error("unhandled failure", ctx.failure());
        ApiErrors.send(ctx, 500, "mpc-api failed to handle the request", OpenAiErrors.API_ERROR, null);
    }

    /** The answer to a 4xx the HTTP layer decided on. */
    private void refuse(RoutingContext ctx, int status) {
        clientError(ctx, status, limitOf(ctx));
    }

    /**
     * Answers a 4xx decided below mpc-api's handlers: also used by the /api routes' own failure handler, which sees
     * these failures first (a missing Host fails the routing context before any handler runs).
     */
    static void clientError(RoutingContext ctx, int status, long maxBodySize) {
        HttpServerRequest request = ctx.request();
        String message = switch (status) {
            case 404 -> "Unknown endpoint: " + request.method() + " " + safePath(request);
            case 405 -> request.method() + " is not allowed on " + safePath(request);
            case 413 -> "Request body too large: the limit is " + maxBodySize + " bytes.";
            case 414 -> "Request URI too long";
            case 417 -> expectation(request.getHeader("expect"));
            case 431 -> "Request headers too large";
            case 400 -> badRequest(ctx, "Malformed request");
            default -> "Request refused (HTTP " + status + ")";
        };
        send(ctx, status, message);
    }

    /** Why the router refused a request: a missing or invalid Host, an empty path, else {@code otherwise}. */
    private static String badRequest(RoutingContext ctx, String otherwise) {
        String host = ctx.request().headers().get("host");
        if (host == null || host.isBlank()) {
            return "Missing Host header";
        }
        // the router's own reasons ("For HTTP/1.x requests, the 'Host' header is required", ...) name no internals
        return ctx.failure() instanceof VertxException v && v.getMessage() != null ? v.getMessage() : otherwise;
    }

    /** Whether {@code host} reads as a URI's host (and port). */
    static boolean isHostName(String host) {
        if (host == null || host.isBlank()) {
            return false;
        }
        try {
            return URI.create("http://" + host + "/").getHost() != null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static String expectation(String expect) {
        return "Expect: " + expect + " is not supported; only 100-continue is";
    }

    /** The path as the client sent it, cut short (a 404's message must not echo a megabyte). */
    private static String safePath(HttpServerRequest request) {
        String p = request.path() == null ? "" : request.path();
        return p.length() > 200 ? p.substring(0, 200) + "..." : p;
    }

    private static void send(RoutingContext ctx, int status, String message) {
        if ((status == 413 || status == 414 || status == 431 || status == 417)
                && ctx.request().version() != HttpVersion.HTTP_2) {
            // the unread rest of the request would be parsed as the next one (HTTP/2 has no such header: a client
            // upgraded with h2c would reject the answer)
            ctx.response().putHeader("connection", "close");
        }
        String code = status == 404 ? "unknown_url" : CODES.get(status);
        ApiErrors.send(ctx, status, message, OpenAiErrors.INVALID_REQUEST, code);
    }

    private static long headerBytes(HttpServerRequest request) {
        long n = 0;
        for (Map.Entry<String, String> h : request.headers()) {
            n += h.getKey().length() + h.getValue().length() + 4;
        }
        return n;
    }
}
