package com.acme.mpc.gateway.logging;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/** First handler of every route: settles the request id, puts it in the MDC and returns it to the caller. */
public final class RequestIdHandler implements Handler<RoutingContext> {
    /** Runs before every other route of the gateway. */
    public static final int ORDER = -1_000;

    @Override
    public void handle(RoutingContext ctx) {
        ctx.response().putHeader(RequestIds.HEADER, RequestIds.of(ctx));
        ctx.next();
    }
}
