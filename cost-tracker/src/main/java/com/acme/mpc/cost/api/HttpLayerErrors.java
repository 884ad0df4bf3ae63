package com.acme.mpc.cost.api;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Every answer the HTTP layer itself would give, below the REST resources (no route, a request the router cannot
 * dispatch, an oversized URI, header block or body, an unsupported {@code Expect}), in OpenAI's error shape instead of
 * Vert.x's HTML page, Quarkus' {@code {"details":"Error id ..."}} or an empty body.
 *
 * <p>The URI and header limits are checked here, below the transport ceilings of {@code quarkus.http.limits}
 * (application.properties): a request past a ceiling never reaches a route and gets the HTTP codec's bare status.
 */
@ApplicationScoped
public class HttpLayerErrors {
    private static final Logger LOG = Logger.getLogger(HttpLayerErrors.class);

    /** Before Quarkus' own body-size check (route order -2) and the REST resources. */
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
            413, "request_too_large",
            414, "uri_too_long",
            415, "unsupported_media_type",
            417, "expectation_failed",
            431, "headers_too_large");

    private final long maxBodySize;

    public HttpLayerErrors(
            @ConfigProperty(name = "quarkus.http.limits.max-body-size", defaultValue = "10240K")
                    MemorySize maxBodySize) {
        this.maxBodySize = maxBodySize.asLongValue();
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
        if (request.version() == HttpVersion.HTTP_1_1 && request.headers().get("host") == null) {
            send(ctx, 400, "Missing Host header");
            return;
        }
        String[] refused = refusedParameter(ctx);
        if (refused != null) {
            // PostgreSQL cannot store or compare text holding NUL: every query parameter may reach a statement
            write(ctx.response(), 400, refused[0], "invalid_request_error", refused[1], "bad_request");
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
            if (n > maxBodySize) {
                send(ctx, 413, "Request body too large: the limit is " + maxBodySize + " bytes");
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
        write(ctx.response(), 500, "Internal error", "api_error", null, null);
    }

    /**
     * Why the path or query cannot reach the database (a NUL, an undecodable escape) and the parameter at fault, or
     * null when it can.
     */
    private static String[] refusedParameter(RoutingContext ctx) {
        if (ctx.request().path() != null && ctx.request().path().contains("%00")) {
            return new String[] {"The request path must not contain NUL (%00) characters", null};
        }
        if (ctx.request().query() == null) {
            return null;
        }
        try {
            for (Map.Entry<String, String> p : ctx.queryParams()) {
                if (p.getKey().indexOf('\0') >= 0 || p.getValue().indexOf('\0') >= 0) {
                    String name = p.getKey().replace("\0", "\\u0000");
                    return new String[] {"Query parameter '" + name + "' must not contain NUL (%00) characters", name};
                }
            }
        } catch (IllegalArgumentException e) {
            return new String[] {"Malformed query string", null};
        }
        return null;
    }

    /** The OpenAI-shaped answer to a 4xx the HTTP layer decided on. */
    private void refuse(RoutingContext ctx, int status) {
        HttpServerRequest request = ctx.request();
        String message = switch (status) {
            case 404 -> unknown(ctx);
            case 405 -> notAllowed(ctx);
            case 413 -> "Request body too large: the limit is " + maxBodySize + " bytes";
            case 414 -> "Request URI too long";
            case 417 -> expectation(request.getHeader("expect"));
            case 431 -> "Request headers too large";
            case 400 -> request.headers().get("host") == null ? "Missing Host header" : "Malformed request";
            default -> "Request refused (HTTP " + status + ")";
        };
        send(ctx, status, message);
    }

    private static String unknown(RoutingContext ctx) {
        return "Unknown endpoint: " + ctx.request().method() + " "
                + ctx.request().path();
    }

    private static String notAllowed(RoutingContext ctx) {
        return ctx.request().method() + " is not allowed on " + ctx.request().path();
    }

    private static String expectation(String expect) {
        return "Expect: " + expect + " is not supported; only 100-continue is";
    }

    private static void send(RoutingContext ctx, int status, String message) {
        if ((status == 413 || status == 414 || status == 431 || status == 417)
                && ctx.request().version() != HttpVersion.HTTP_2) {
            // the unread rest of the request would be parsed as the next one (HTTP/2 has no such header: a client
            // upgraded with h2c would reject the answer)
            ctx.response().putHeader("connection", "close");
        }
        write(
                ctx.response(),
                status,
                message,
                status == 404 ? "not_found_error" : "invalid_request_error",
                null,
                CODES.get(status));
    }

    private static void write(
            HttpServerResponse response, int status, String message, String type, String param, String code) {
        if (response.ended() || response.closed()) {
            return;
        }
        if (response.headWritten()) {
            response.reset();
            return;
        }
        StringBuilder sb = new StringBuilder("{\"error\":{\"message\":\"");
        JsonStringEncoder.getInstance().quoteAsString(message, sb);
        sb.append("\",\"type\":\"").append(type).append("\",\"param\":");
        if (param == null) {
            sb.append("null");
        } else {
            sb.append('"');
            JsonStringEncoder.getInstance().quoteAsString(param, sb);
            sb.append('"');
        }
        sb.append(",\"code\":");
        sb.append(code == null ? "null" : "\"" + code + "\"").append("}}");
        response.setStatusCode(status)
                .putHeader("content-type", "application/json")
                .end(sb.toString());
    }

    private static long headerBytes(HttpServerRequest request) {
        long n = 0;
        for (Map.Entry<String, String> h : request.headers()) {
            n += h.getKey().length() + h.getValue().length() + 4;
        }
        return n;
    }
}
