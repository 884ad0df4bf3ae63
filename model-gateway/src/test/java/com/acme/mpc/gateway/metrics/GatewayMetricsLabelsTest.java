package com.acme.mpc.gateway.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.acme.mpc.gateway.usage.UsageRecord;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigDecimal;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Label values and their bounds, on records built by hand. */
class GatewayMetricsLabelsTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final GatewayMetrics metrics = new GatewayMetrics(registry, true);

    private static UsageRecord record(String alias, String hash, int status, boolean cacheHit, long upstreamNanos) {
        Instant t = Instant.parse("2026-11-28T10:00:00Z");
        return new UsageRecord(
                "req-" + hash,
                "client-" + "req-" + hash,
                "chat_completion",
                t,
                null,
                t,
                hash,
                alias,
                null,
                null,
                null,
                null,
                "g",
                "m",
                cacheHit ? "" : "d1",
                cacheHit ? "" : "openai",
                null,
                10,
                5,
                0,
                0,
                0,
                null,
                null,
                new BigDecimal("0.001"),
                12,
                null,
                status == 200 ? "success" : "failure",
                status,
                null,
                cacheHit,
                false,
                upstreamNanos,
                300_000);
    }

    @Test
    void statusCodesMapToTheirClassAndClientDisconnectsToClientClosed() {
        assertThat(GatewayMetrics.statusClass(200)).isEqualTo("2xx");
        assertThat(GatewayMetrics.statusClass(429)).isEqualTo("4xx");
        assertThat(GatewayMetrics.statusClass(499)).isEqualTo("client_closed");
        assertThat(GatewayMetrics.statusClass(503)).isEqualTo("5xx");
        assertThat(GatewayMetrics.statusClass(0)).isEqualTo("none");
        assertThat(GatewayMetrics.statusClass(700)).isEqualTo("5xx");
    }

    @Test
    void keysAppearAsAliasOrEightCharacterHashAndAreCappedPerGroup() {
        metrics.record(record("team-a", "ab12cd34ef56", 200, false, 1_000_000));
        metrics.record(record(null, "ab12cd34ef56", 200, false, 1_000_000));
        assertThat(registry.find("gateway_spend_usd").tag("key_alias", "team-a").summary())
                .isNotNull();
        assertThat(registry.find("gateway_spend_usd")
                        .tag("key_alias", "ab12cd34")
                        .summary())
                .isNotNull();
        for (int i = 0; i < GatewayMetrics.MAX_KEY_LABELS + 10; i++) {
            metrics.record(record(null, String.format("%08x%08x", i, i), 200, false, 1_000_000));
        }
        long series = registry.find("gateway_spend_usd").summaries().size();
        assertThat(series).isEqualTo(GatewayMetrics.MAX_KEY_LABELS + 1);
        DistributionSummary other =
                registry.find("gateway_spend_usd").tag("key_alias", "other").summary();
        assertThat(other).isNotNull();
        // 2 named keys + 510 hashed ones, 500 series in all: the 12 beyond the cap are summed as "other"
        assertThat(other.count()).isEqualTo(12);
        // tokens per key: the same bound; 10 prompt tokens per record
        assertThat(registry.find("gateway_key_tokens").tag("type", "prompt").counters())
                .hasSize(GatewayMetrics.MAX_KEY_LABELS + 1);
        assertThat(registry.get("gateway_key_tokens")
                        .tags("key_alias", "other", "type", "prompt")
                        .counter()
                        .count())
                .isEqualTo(120);
        assertThat(registry.get("gateway_key_tokens")
                        .tags("key_alias", "team-a", "type", "completion")
                        .counter()
                        .count())
                .isEqualTo(5);
    }

    @Test
    void withoutKeyLabelsEveryKeyIsCountedUnderAll() {
        SimpleMeterRegistry plain = new SimpleMeterRegistry();
        GatewayMetrics unlabelled = new GatewayMetrics(plain, false);
        unlabelled.record(record("team-a", "ab12cd34ef56", 200, false, 1_000_000));
        unlabelled.record(record(null, "99ff88ee77dd", 200, false, 1_000_000));
        assertThat(plain.find("gateway_spend_usd").summaries()).hasSize(1);
        assertThat(plain.get("gateway_spend_usd")
                        .tag("key_alias", "all")
                        .summary()
                        .count())
                .isEqualTo(2);
        assertThat(plain.get("gateway_key_tokens")
                        .tags("key_alias", "all", "type", "prompt")
                        .counter()
                        .count())
                .isEqualTo(20);
        assertThat(plain.getMeters())
                .allSatisfy(m -> assertThat(m.getId().getTags().toString())
                        .doesNotContain("team-a")
                        .doesNotContain("ab12cd34")
                        .doesNotContain("99ff88ee"));
    }

    @Test
    void aCacheHitHasOverheadButNoUpstreamTime() {
        metrics.record(record("a", "h1", 200, true, -1));
        metrics.record(record("a", "h1", 502, false, 2_000_000));
        assertThat(registry.find("gateway_upstream_duration").timers()).hasSize(1);
        assertThat(registry.get("gateway_upstream_duration").timer().count()).isEqualTo(1);
        assertThat(registry.get("gateway_overhead")
                        .tag("cache_hit", "true")
                        .timer()
                        .count())
                .isEqualTo(1);
        assertThat(registry.get("gateway_overhead")
                        .tag("cache_hit", "false")
                        .timer()
                        .count())
                .isEqualTo(1);
        assertThat(registry.get("gateway_requests")
                        .tags("status_class", "2xx", "cache_hit", "true", "deployment", "none")
                        .counter()
                        .count())
                .isEqualTo(1);
        assertThat(registry.get("gateway_requests")
                        .tags("status_class", "5xx", "deployment", "d1", "provider", "openai")
                        .counter()
                        .count())
                .isEqualTo(1);
        assertThat(registry.find("gateway_requests").counters().stream()
                        .mapToDouble(Counter::count)
                        .sum())
                .isEqualTo(2);
    }
}
