package com.acme.mpc.api.rest;

import com.acme.mpc.api.logging.AccessLog;
import com.acme.mpc.api.metrics.ApiMetrics;
import com.acme.mpc.api.service.ClientRegistry;
import com.acme.mpc.api.service.RequestIds;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * First handler of every /api/* request: settles the x-request-id (reused or generated, always
 * returned) and records the request's metrics when it ends. Also holds the per-request values that
 * later handlers set.
 */
final class RequestTracking implements Handler<RoutingContext> {

    private static final String CLIENT = "mpc.client";
    private static final String GATEWAY_KEY = "mpc.gateway-key";
    private static final String ROUTE = "mpc.route";
    private static final String REQUEST_ID = "mpc.request-id";
    /** Status recorded for a client that went away before its response ended (nginx's convention). */
    static final int CLIENT_CLOSED = 499;

    private final ApiMetrics metrics;
    private final AccessLog accessLog;

    RequestTracking(ApiMetrics metrics, AccessLog accessLog) {
        this.metrics = metrics;
        this.accessLog = accessLog;
    }

    @Override
    public void handle(RoutingContext rc) {
        long start = System.nanoTime();
        String id = RequestIds.reuseOrCreate(rc.request().getHeader(RequestIds.HEADER));
        rc.put(REQUEST_ID, id);
        accessLog.started(id);
        rc.put(CLIENT, ClientRegistry.ANONYMOUS);
        rc.put(ROUTE, "other");
        rc.response().putHeader(RequestIds.HEADER, id);
        boolean[] recorded = new boolean[1];
        rc.addEndHandler(result -> {
            if (!recorded[0]) {
                recorded[0] = true;
                // a request upgraded to HTTP/2 (h2c, e.g. the JDK's HttpClient) reports its HTTP/1.1 connection as
                // closed although the answer went out: only a response that never ended is the client's leaving
                int status = result.succeeded() || rc.response().ended()
                        ? rc.response().getStatusCode()
                        : CLIENT_CLOSED;
                long nanos = System.nanoTime() - start;
                metrics.request(route(rc), client(rc), status, nanos);
                accessLog.completed(
                        id, rc.request().method().name(), rc.request().path(), route(rc), client(rc), status, nanos);
            }
        });
        rc.next();
    }

    static String requestId(RoutingContext rc) {
        return rc.get(REQUEST_ID);
    }

    /** The calling app's name, "anonymous" when client authentication is off. */
    static String client(RoutingContext rc) {
        return rc.get(CLIENT);
    }

    /** The gateway key of the caller's app (its own virtual key), or null for the configured gateway key. */
    static String gatewayKey(RoutingContext rc) {
        return rc.get(GATEWAY_KEY);
    }

    static void gatewayKey(RoutingContext rc, String key) {
        rc.put(GATEWAY_KEY, key);
    }

    static void client(RoutingContext rc, String client) {
        rc.put(CLIENT, client);
    }

    static String route(RoutingContext rc) {
        return rc.get(ROUTE);
    }

    static void route(RoutingContext rc, String route) {
        rc.put(ROUTE, route);
    }
}
