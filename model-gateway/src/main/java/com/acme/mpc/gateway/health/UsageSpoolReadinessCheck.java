package com.acme.mpc.gateway.health;

import com.acme.mpc.gateway.usage.UsageDelivery;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * The Kubernetes readiness probe ({@code /q/health/ready}) says what LiteLLM's {@code /health/readiness} says about
 * usage delivery: not ready only while the usage spool is full (new usage would be lost). A backlog alone, with
 * cost-tracker down, keeps the gateway ready; providers and Redis are never part of it.
 */
@Readiness
@ApplicationScoped
public class UsageSpoolReadinessCheck implements HealthCheck {
    private final UsageDelivery usage;

    public UsageSpoolReadinessCheck(UsageDelivery usage) {
        this.usage = usage;
    }

    @Override
    public HealthCheckResponse call() {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        HealthCheckResponseBuilder r = HealthCheckResponse.named("usage-spool").status(usage.readiness(body));
        JsonNode spool = body.get("usage_spool");
        if (spool == null) {
            return r.withData("usage_delivery", body.path("usage_delivery").asText("log"))
                    .build();
        }
        spool.fields().forEachRemaining(e -> {
            JsonNode v = e.getValue();
            if (v.isIntegralNumber()) {
                r.withData(e.getKey(), v.asLong());
            } else if (v.isBoolean()) {
                r.withData(e.getKey(), v.asBoolean());
            } else {
                r.withData(e.getKey(), v.asText());
            }
        });
        return r.build();
    }
}
