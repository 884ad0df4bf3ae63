package com.acme.mpc.gateway.service;

import io.vertx.core.http.HttpServerResponse;
import java.math.BigDecimal;

/**
 * Headers that tell the client what happened, under our names and LiteLLM's (so LiteLLM-aware clients keep
 * working).
 */
final class ResponseHeaders {
    private ResponseHeaders() {}

    /**
     * The client's correlation id, and (as LiteLLM's per-call id) the gateway's own id of the call, which is the id of
     * its usage event in cost-tracker.
     */
    static void requestId(HttpServerResponse r, String requestId, String eventId) {
        r.putHeader("x-request-id", requestId);
        r.putHeader("x-litellm-call-id", eventId);
    }

    /** Where the request went and how many tries it took; rewritten after each attempt until the head is sent. */
    static void routing(HttpServerResponse r, CallContext call, AttemptPlan plan) {
        if (r.headWritten()) {
            return;
        }
        int attempts = Math.max(1, plan.attempts());
        r.putHeader("x-mpc-attempts", Integer.toString(attempts));
        r.putHeader("x-litellm-attempted-retries", Integer.toString(plan.retries()));
        r.putHeader("x-litellm-attempted-fallbacks", Integer.toString(plan.fallbacks()));
        r.putHeader("x-mpc-fallback", Boolean.toString(plan.fellBack()));
        if (plan.fellBack()) {
            r.putHeader("x-mpc-fallback-group", plan.group());
        }
        r.putHeader("x-litellm-model-group", plan.group());
        if (call.deployment == null) {
            return;
        }
        r.putHeader("x-mpc-deployment-id", call.deployment.id());
        r.putHeader("x-litellm-model-id", call.deployment.id());
        if (call.deployment.apiBase() != null) {
            r.putHeader("x-litellm-model-api-base", call.deployment.apiBase().getHost());
        } else {
            r.headers().remove("x-litellm-model-api-base");
        }
    }

    static void timing(HttpServerResponse r, CallContext call, long upstreamNanos) {
        long total = System.nanoTime() - call.startNanos;
        String overhead = millis(Math.max(0, total - upstreamNanos));
        r.putHeader("x-mpc-overhead-ms", overhead);
        r.putHeader("x-litellm-overhead-duration-ms", overhead);
        r.putHeader("x-litellm-response-duration-ms", millis(total));
    }

    static void cost(HttpServerResponse r, BigDecimal cost) {
        if (cost != null) {
            String v = cost.toPlainString();
            r.putHeader("x-mpc-cost-usd", v);
            r.putHeader("x-litellm-response-cost", v);
        }
    }

    static void cache(HttpServerResponse r, String status) {
        r.putHeader("x-mpc-cache", status);
        r.putHeader("x-litellm-cache-hit", Boolean.toString("HIT".equals(status)));
    }

    private static String millis(long nanos) {
        return BigDecimal.valueOf(nanos / 1000, 3).toPlainString();
    }
}
