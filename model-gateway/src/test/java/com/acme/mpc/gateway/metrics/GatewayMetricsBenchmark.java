package com.acme.mpc.gateway.metrics;

import com.acme.mpc.gateway.usage.UsageRecord;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * Per-request cost of the request metrics on the real Prometheus registry: {@link GatewayMetrics#record} (meters
 * cached per label tuple) against registering the same meters through their builders on every request, as the
 * gateway did before. Not a test: run with {@code model-gateway/bench/metrics-bench.sh}. Single thread, after
 * warm-up; prints a Markdown table with ns and bytes allocated per request.
 */
public final class GatewayMetricsBenchmark {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    public static void main(String[] args) {
        long measureNanos = (args.length > 0 ? Long.parseLong(args[0]) : 2000) * 1_000_000L;
        UsageRecord[] records = records();
        PrometheusMeterRegistry cachedRegistry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        GatewayMetrics cached = new GatewayMetrics(cachedRegistry, true);
        PrometheusMeterRegistry builderRegistry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        java.util.function.Consumer<UsageRecord> perRequest = r -> registerEachTime(builderRegistry, r);
        System.out.println("| request metrics | ns/request | bytes allocated/request |");
        System.out.println("|---|---:|---:|");
        run("cached meters (GatewayMetrics)", cached::record, records, measureNanos);
        run("builder + register per request", perRequest, records, measureNanos);
    }

    private static void run(
            String name, java.util.function.Consumer<UsageRecord> f, UsageRecord[] records, long nanos) {
        loop(f, records, nanos / 2); // warm-up
        long thread = Thread.currentThread().threadId();
        long bytes0 = THREADS.getThreadAllocatedBytes(thread);
        long t0 = System.nanoTime();
        long n = loop(f, records, nanos);
        long t1 = System.nanoTime();
        long bytes = THREADS.getThreadAllocatedBytes(thread) - bytes0;
        System.out.printf(Locale.ROOT, "| %s | %.0f | %.0f |%n", name, (t1 - t0) / (double) n, bytes / (double) n);
    }

    private static long loop(java.util.function.Consumer<UsageRecord> f, UsageRecord[] records, long nanos) {
        long end = System.nanoTime() + nanos;
        long n = 0;
        while (System.nanoTime() < end) {
            for (int i = 0; i < 1000; i++) {
                f.accept(records[(int) (n++ & (records.length - 1))]);
            }
        }
        return n;
    }

    /** 8 deployments in 4 groups, 16 keys, JSON and streams, a few errors: the tuples a busy gateway sees. */
    private static UsageRecord[] records() {
        UsageRecord[] out = new UsageRecord[1024];
        Instant t = Instant.parse("2026-11-28T10:00:00Z");
        for (int i = 0; i < out.length; i++) {
            boolean stream = i % 3 == 0;
            int status = i % 50 == 0 ? 502 : i % 40 == 0 ? 429 : 200;
            String hash = String.format("%064x", i % 16);
            out[i] = new UsageRecord(
                    "req-" + i,
                    "client-" + "req-" + i,
                    "chat_completion",
                    t,
                    stream ? t : null,
                    t,
                    hash,
                    i % 2 == 0 ? "app-" + (i % 16) : null,
                    null,
                    null,
                    null,
                    null,
                    "group-" + (i % 4),
                    "model",
                    "dep-" + (i % 8),
                    i % 8 < 4 ? "openai" : "azure",
                    null,
                    1000,
                    100,
                    0,
                    0,
                    0,
                    null,
                    null,
                    new BigDecimal("0.0012"),
                    900,
                    stream ? 200L : null,
                    "success",
                    status,
                    null,
                    false,
                    stream,
                    899_000_000L,
                    400_000L);
        }
        return out;
    }

    /** The previous implementation's pattern: every meter looked up through its builder on every request. */
    private static void registerEachTime(MeterRegistry registry, UsageRecord r) {
        String stream = Boolean.toString(r.stream());
        Counter.builder("gateway_requests")
                .tags(Tags.of(
                        "model_group",
                        r.modelGroup(),
                        "deployment",
                        r.deploymentId(),
                        "provider",
                        r.provider(),
                        "status_class",
                        (r.httpStatus() / 100) + "xx",
                        "stream",
                        stream,
                        "cache_hit",
                        "false"))
                .register(registry)
                .increment();
        Timer.builder("gateway_request_duration")
                .tags("model_group", r.modelGroup(), "provider", r.provider(), "stream", stream)
                .serviceLevelObjectives(GatewayMetrics.LATENCY_BUCKETS)
                .register(registry)
                .record(Duration.ofMillis(r.latencyMs()));
        for (String type : new String[] {"prompt", "completion"}) {
            Counter.builder("gateway_tokens")
                    .tags("model_group", r.modelGroup(), "type", type)
                    .register(registry)
                    .increment(type.equals("prompt") ? r.promptTokens() : r.completionTokens());
        }
        io.micrometer.core.instrument.DistributionSummary.builder("gateway_spend_usd")
                .tags(
                        "model_group",
                        r.modelGroup(),
                        "key_alias",
                        r.keyAlias() != null ? r.keyAlias() : r.keyHash().substring(0, 8))
                .register(registry)
                .record(r.costUsd().doubleValue());
    }
}
