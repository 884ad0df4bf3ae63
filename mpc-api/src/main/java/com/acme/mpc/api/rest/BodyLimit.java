package com.acme.mpc.api.rest;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

/**
 * The request body limit (quarkus.http.limits.max-body-size, env MPC_API_MAX_BODY_SIZE) with a 413 in the
 * route's error shape (OpenAI's, Anthropic's on /api/v1/messages). Runs just before Quarkus' own check, which would
 * answer with an empty body, and also bounds chunked bodies, whose size is only known while they are read.
 */
final class BodyLimit implements Handler<RoutingContext> {

    /** Just before Quarkus' RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT (-2). */
    static final int ROUTE_ORDER = -3;

    static final class TooLarge extends RuntimeException {
        TooLarge() {
            super(null, null, false, false);
        }
    }

    private final long maxBytes;
    private final long maxUploadBytes;

    /**
     * @param maxBytes the limit of JSON bodies (mpc-api.max-body-size)
     * @param maxUploadBytes the limit of multipart uploads (quarkus.http.limits.max-body-size, the ceiling)
     */
    BodyLimit(long maxBytes, long maxUploadBytes) {
        this.maxBytes = maxBytes;
        this.maxUploadBytes = maxUploadBytes;
    }

    long uploadLimit() {
        return maxUploadBytes;
    }

    private long limitOf(RoutingContext rc) {
        return ProxyRoute.isUpload(rc.request().path()) ? maxUploadBytes : maxBytes;
    }

    @Override
    public void handle(RoutingContext rc) {
        String length = rc.request().getHeader("content-length");
        if (length != null) {
            try {
                if (Long.parseLong(length.strip()) > limitOf(rc)) {
                    reject(rc);
                    return;
                }
            } catch (NumberFormatException e) {
                ApiErrors.send(rc, 400, "Invalid Content-Length header.", OpenAiErrors.INVALID_REQUEST, null);
                return;
            }
        }
        rc.next();
    }

    void reject(RoutingContext rc) {
        if (rc.request().version() != io.vertx.core.http.HttpVersion.HTTP_2) {
            // The unread rest of the body would be parsed as the next request: close instead.
            rc.response().putHeader("connection", "close");
        }
        ApiErrors.send(
                rc,
                413,
                "Request body too large: the limit is " + limitOf(rc) + " bytes.",
                OpenAiErrors.INVALID_REQUEST,
                "request_too_large");
    }

    /** Reads the whole body, failing with {@link TooLarge} as soon as it passes the limit. */
    Future<Buffer> read(HttpServerRequest request) {
        Promise<Buffer> promise = Promise.promise();
        String length = request.getHeader("content-length");
        int initial = 1024;
        if (length != null) {
            try {
                initial = (int) Math.min(maxBytes, Math.max(0, Long.parseLong(length.strip())));
            } catch (NumberFormatException ignored) {
                // Checked by handle() already.
            }
        }
        Buffer body = Buffer.buffer(initial);
        request.handler(chunk -> {
            if (body.length() + chunk.length() > maxBytes) {
                request.handler(null);
                promise.tryFail(new TooLarge());
            } else {
                body.appendBuffer(chunk);
            }
        });
        request.endHandler(v -> promise.tryComplete(body));
        request.exceptionHandler(promise::tryFail);
        request.resume();
        return promise.future();
    }
}
