package com.acme.mpc.gateway.keys;

import com.acme.mpc.gateway.core.GatewayException;

/**
 * The client's answer to a refused budget reservation. A budget that is used up (the call does not fit even with no
 * other call in flight) is 400 {@code budget_exceeded}, LiteLLM's status, so SDKs do not retry it. A call that does
 * not fit only because calls in flight hold reservations is 429 with {@code Retry-After}: it may fit once they settle
 * (usually below their estimates).
 */
final class BudgetRefusal {
    private BudgetRefusal() {}

    static GatewayException of(CostTrackerKeysClient.Reservation r, String keyLabel) {
        if (r.inFlight()) {
            return new GatewayException(
                    429,
                    "rate_limit_error",
                    r.message() + " (key " + keyLabel + ")",
                    null,
                    "budget_held_by_calls_in_flight",
                    true,
                    r.retryAfterSeconds() * 1000L);
        }
        return new GatewayException(
                400, "budget_exceeded", r.message() + " (key " + keyLabel + ")", null, "budget_exceeded", false);
    }
}
