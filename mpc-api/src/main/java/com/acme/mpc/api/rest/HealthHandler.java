package com.acme.mpc.api.rest;

import com.acme.mpc.api.health.GatewayHealth;
import com.acme.mpc.api.health.GatewayHealthProbe;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.ext.web.RoutingContext;

/**
 * GET /health: mpc-api's status with the gateway's; 200 when the gateway is healthy, 503 (status
 * "degraded") when not. Answers within the probe's short timeout even when the gateway hangs.
 */
final class HealthHandler {

    private final GatewayHealthProbe probe;
    private final ObjectMapper mapper;

    HealthHandler(GatewayHealthProbe probe, ObjectMapper mapper) {
        this.probe = probe;
        this.mapper = mapper;
    }

    void handle(RoutingContext rc) {
        probe.check().onComplete(result -> {
            GatewayHealth health = result.result();
            ObjectNode body = mapper.createObjectNode();
            body.put("status", health.healthy() ? "ok" : "degraded");
            ObjectNode gateway = body.putObject("gateway");
            gateway.put("status", health.status());
            gateway.put("url", health.url());
            gateway.put("latency_ms", health.latencyMs());
            gateway.put("circuit", health.circuit());
            rc.response()
                    .setStatusCode(health.healthy() ? 200 : 503)
                    .putHeader("content-type", "application/json")
                    .putHeader("cache-control", "no-store")
                    .end(body.toString());
        });
    }
}
