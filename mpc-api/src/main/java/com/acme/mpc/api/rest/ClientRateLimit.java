package com.acme.mpc.api.rest;

import com.acme.mpc.api.metrics.ApiMetrics;
import com.acme.mpc.api.service.RateLimiter;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/** Refuses a client's request with 429 and Retry-After once it has used up its requests per minute. */
final class ClientRateLimit implements Handler<RoutingContext> {

    private final RateLimiter limiter;
    private final ApiMetrics metrics;

    ClientRateLimit(RateLimiter limiter, ApiMetrics metrics) {
        this.limiter = limiter;
        this.metrics = metrics;
    }

    @Override
    public void handle(RoutingContext rc) {
        String client = RequestTracking.client(rc);
        long retryAfter = limiter.tryAcquire(client);
        if (retryAfter == 0) {
            rc.next();
            return;
        }
        metrics.rateLimited(client);
        rc.response().putHeader("retry-after", Long.toString(retryAfter));
        ApiErrors.send(
                rc,
                429,
                "Rate limit reached for client '" + client + "': " + limiter.rpmOf(client)
                        + " requests per minute. Retry after " + retryAfter + "s.",
                "requests",
                "rate_limit_exceeded");
    }
}
