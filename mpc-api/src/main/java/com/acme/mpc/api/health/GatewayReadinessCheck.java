package com.acme.mpc.api.health;

import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness detail about model-gateway. It stays UP when the gateway is down: mpc-api still answers
 * (with quick 502/503/504s), and taking it out of service would only turn those into connection errors.
 * Liveness has no gateway check at all, so a gateway outage never restarts mpc-api.
 */
@Readiness
@ApplicationScoped
public class GatewayReadinessCheck implements AsyncHealthCheck {

    private final GatewayHealthProbe probe;

    GatewayReadinessCheck(GatewayHealthProbe probe) {
        this.probe = probe;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        return Uni.createFrom()
                .completionStage(() -> probe.check().toCompletionStage())
                .map(health -> HealthCheckResponse.named("model-gateway")
                        .up()
                        .withData("status", health.healthy() ? "ok" : "degraded")
                        .withData("gateway", health.status())
                        .withData("url", health.url())
                        .withData("latency_ms", health.latencyMs())
                        .withData("circuit", health.circuit())
                        .build());
    }
}
