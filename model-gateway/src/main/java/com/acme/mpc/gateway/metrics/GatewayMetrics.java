package com.acme.mpc.gateway.metrics;

import com.acme.mpc.gateway.usage.UsageRecord;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;

/**
 * The gateway's request metrics, derived from each call's usage record (docs/observability.md lists them). Labels
 * are bounded: model groups and deployments come from the config, keys appear only as their alias or an 8-character
 * hash prefix, never request ids or prompts.
 */
@ApplicationScoped
public class GatewayMetrics {
    static final Duration[] LATENCY_BUCKETS = {
        Duration.ofMillis(5),
        Duration.ofMillis(10),
        Duration.ofMillis(25),
        Duration.ofMillis(50),
        Duration.ofMillis(100),
        Duration.ofMillis(250),
        Duration.ofMillis(500),
        Duration.ofSeconds(1),
        Duration.ofMillis(2500),
        Duration.ofSeconds(5),
        Duration.ofSeconds(10),
        Duration.ofSeconds(30),
        Duration.ofSeconds(60),
        Duration.ofSeconds(120)
    };

    private final MeterRegistry registry;

    public GatewayMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public void record(UsageRecord r) {
        String group = orNone(r.modelGroup());
        String provider = orNone(r.provider());
        String stream = Boolean.toString(r.stream());
        Counter.builder("gateway_requests")
                .description("Client requests that reached a model group, by outcome")
                .tags(Tags.of(
                        "model_group",
                        group,
                        "deployment",
                        orNone(r.deploymentId()),
                        "provider",
                        provider,
                        "status_class",
                        statusClass(r.httpStatus()),
                        "stream",
                        stream,
                        "cache_hit",
                        Boolean.toString(r.cacheHit())))
                .register(registry)
                .increment();
        Timer.builder("gateway_request_duration")
                .description("Time from request received to response complete")
                .tags("model_group", group, "provider", provider, "stream", stream)
                .serviceLevelObjectives(LATENCY_BUCKETS)
                .register(registry)
                .record(Duration.ofMillis(r.latencyMs()));
        if (r.ttftMs() != null) {
            Timer.builder("gateway_time_to_first_token")
                    .description("Time from request received to the first streamed chunk sent")
                    .tags("model_group", group, "provider", provider)
                    .serviceLevelObjectives(LATENCY_BUCKETS)
                    .register(registry)
                    .record(Duration.ofMillis(r.ttftMs()));
        }
        tokens(group, "prompt", r.promptTokens());
        tokens(group, "completion", r.completionTokens());
        tokens(group, "cached_read", r.cachedReadTokens());
        tokens(group, "cache_creation", r.cacheCreationTokens());
        tokens(group, "reasoning", r.reasoningTokens());
        if (r.costUsd() != null && r.costUsd().signum() > 0) {
            // a DistributionSummary keeps count and sum exactly; its _sum is the spend counter
            DistributionSummary.builder("gateway_spend_usd")
                    .description("Provider cost of completed calls in USD (from model_info prices)")
                    .tags("model_group", group, "key_alias", keyLabel(r))
                    .register(registry)
                    .record(r.costUsd().doubleValue());
        }
    }

    private void tokens(String group, String type, long count) {
        if (count > 0) {
            Counter.builder("gateway_tokens")
                    .description("Tokens processed, by type")
                    .tags("model_group", group, "type", type)
                    .register(registry)
                    .increment(count);
        }
    }

    static String statusClass(int status) {
        if (status == 499) {
            return "client_closed";
        }
        return status <= 0 ? "none" : (status / 100) + "xx";
    }

    private static String keyLabel(UsageRecord r) {
        if (r.keyAlias() != null && !r.keyAlias().isBlank()) {
            return r.keyAlias();
        }
        return r.keyHash() == null
                ? "none"
                : r.keyHash().substring(0, Math.min(8, r.keyHash().length()));
    }

    private static String orNone(String v) {
        return v == null || v.isEmpty() ? "none" : v;
    }
}
