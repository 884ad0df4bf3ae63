package com.acme.mpc.api.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * mpc-api's own Prometheus metrics (prefix mpc_api_). Meters are looked up once per label combination
 * and kept, so recording a request costs a map lookup, not a registry search.
 */
@ApplicationScoped
public class ApiMetrics {

    private final MeterRegistry registry;
    private final ConcurrentHashMap<String, RequestMeters> requestMeters = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> counters = new ConcurrentHashMap<>();

    private record RequestMeters(Counter count, Timer duration) {}

    public ApiMetrics(MeterRegistry registry) {
        this.registry = registry;
        // present (at 0) from the start, so the dashboard's cache panel has series also while the cache is off
        for (String result : new String[] {"hit", "miss", "bypass"}) {
            cacheCounter(result);
        }
    }

    /** One finished request: mpc_api_requests_total and mpc_api_request_duration_seconds. */
    public void request(String route, String client, int status, long durationNanos) {
        String key = route + '\u0000' + client + '\u0000' + status;
        RequestMeters meters = requestMeters.computeIfAbsent(key, k -> {
            String s = Integer.toString(status);
            return new RequestMeters(
                    Counter.builder("mpc_api_requests")
                            .description("Requests served by mpc-api")
                            .tags("route", route, "client", client, "status", s)
                            .register(registry),
                    Timer.builder("mpc_api_request_duration")
                            .description("Time from request received to response ended")
                            .tags("route", route, "client", client, "status", s)
                            .register(registry));
        });
        meters.count().increment();
        meters.duration().record(durationNanos, TimeUnit.NANOSECONDS);
    }

    /** mpc_api_cache_requests_total{result=hit|miss|bypass}. */
    public void cache(String result) {
        cacheCounter(result).increment();
    }

    private Counter cacheCounter(String result) {
        return counter("mpc_api_cache_requests", "Cacheable requests by cache outcome", "result", result);
    }

    /** mpc_api_rate_limited_total{client}. */
    public void rateLimited(String client) {
        counter("mpc_api_rate_limited", "Requests refused by the per-client rate limit", "client", client)
                .increment();
    }

    private Counter counter(String name, String description, String tag, String value) {
        return counters.computeIfAbsent(
                name + '\u0000' + value,
                k -> Counter.builder(name)
                        .description(description)
                        .tags(tag, value)
                        .register(registry));
    }

    public MeterRegistry registry() {
        return registry;
    }
}
