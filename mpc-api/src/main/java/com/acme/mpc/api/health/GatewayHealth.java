package com.acme.mpc.api.health;

/**
 * What a probe of model-gateway found.
 *
 * @param status healthy, unhealthy (it answered, not 2xx), timeout or unreachable
 * @param circuit state of mpc-api's circuit breaker towards the gateway
 */
public record GatewayHealth(String status, String url, long latencyMs, String circuit) {

    public boolean healthy() {
        return "healthy".equals(status);
    }
}
