package com.acme.mpc.gateway.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.AsyncResult;
import io.vertx.core.Handler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@code gateway_requests_in_flight}: model requests (chat, text completions, embeddings) received and not yet
 * answered, whatever their outcome (rejected keys and client disconnects included). A route in front of the API
 * routes counts a request in and the routing context's end handler (response ended or connection closed) counts it
 * out: one {@link LongAdder} add each way, no lock and no allocation of our own per request.
 */
@ApplicationScoped
public class InFlightRequests {
    /** Before the API routes (default order 0 and up) and their body handler. */
    private static final int ORDER = -1_000;

    private final LongAdder inFlight = new LongAdder();
    private final Handler<AsyncResult<Void>> leave = ar -> inFlight.decrement();

    public InFlightRequests(MeterRegistry registry) {
        Gauge.builder("gateway_requests_in_flight", inFlight, LongAdder::sum)
                .description("Model requests (chat, completions, embeddings) received and not yet answered")
                .strongReference(true)
                .register(registry);
    }

    void register(@Observes Router router) {
        for (String prefix : List.of("", "/v1")) {
            for (String path : List.of("/chat/completions", "/completions", "/embeddings")) {
                router.post(prefix + path).order(ORDER).handler(this::enter);
            }
        }
    }

    private void enter(RoutingContext ctx) {
        inFlight.increment();
        ctx.addEndHandler(leave);
        ctx.next();
    }

    /** The current value (tests). */
    public long current() {
        return inFlight.sum();
    }
}
