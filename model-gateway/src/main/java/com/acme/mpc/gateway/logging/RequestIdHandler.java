package com.acme.mpc.gateway.logging;

import com.acme.mpc.gateway.tracing.GatewayTracing;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * First handler of every route: settles the request id, puts it in the MDC, returns it to the caller and names it on
 * the edge span when tracing is on.
 */
public final class RequestIdHandler implements Handler<RoutingContext> {
    /** Runs before every other route of the gateway. */
    public static final int ORDER = -1_000;

    private final GatewayTracing tracing;

    public RequestIdHandler(GatewayTracing tracing) {
        this.tracing = tracing;
    }

    @Override
    public void handle(RoutingContext ctx) {
        String id = RequestIds.of(ctx);
        ctx.response().putHeader(RequestIds.HEADER, id);
        tracing.requestId(id);
        ctx.next();
    }
}
