package com.acme.mpc.gateway.metrics;

import com.acme.mpc.gateway.usage.UsageRecord;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The gateway's request metrics, derived from each call's usage record (docs/observability.md lists them). Labels
 * are bounded: model groups and deployments come from the config, keys appear only as their alias or an 8-character
 * hash prefix (at most {@link #MAX_KEY_LABELS} of them), never request ids or prompts.
 *
 * <p>{@code /metrics} is unauthenticated (Prometheus scrapes it), so keys are labelled only when the operator opts in
 * with {@code gateway.metrics.key-labels=true}: otherwise every key is counted under {@code key_alias="all"}, which
 * keeps the series' shape (dashboards and alert rules work either way) without listing the aliases and their spend to
 * anyone who can reach the port. Per-key spend stays available, authenticated, from cost-tracker's reports.
 *
 * <p>Runs on the event loop once per request, so meters are registered once per label tuple and kept: recording is
 * a few lock-free map reads and atomic adds, without building ids or tags.
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

    /** The gateway's own time is meant to stay below a millisecond: fine buckets there, coarse above. */
    static final Duration[] OVERHEAD_BUCKETS = {
        Duration.ofNanos(50_000),
        Duration.ofNanos(100_000),
        Duration.ofNanos(250_000),
        Duration.ofNanos(500_000),
        Duration.ofMillis(1),
        Duration.ofMillis(2),
        Duration.ofMillis(5),
        Duration.ofMillis(10),
        Duration.ofMillis(25),
        Duration.ofMillis(50),
        Duration.ofMillis(100),
        Duration.ofMillis(250),
        Duration.ofSeconds(1)
    };

    /**
     * Keys beyond this many distinct ones (per model group for spend, overall for key tokens) are summed under
     * {@code key_alias="other"}.
     */
    static final int MAX_KEY_LABELS = 500;

    /** The one key label when key labels are off. */
    static final String ALL_KEYS = "all";

    static final String[] STATUS_CLASSES = {"none", "1xx", "2xx", "3xx", "4xx", "5xx", "client_closed"};
    private static final String[] TOKEN_TYPES = {"prompt", "completion", "cached_read", "cache_creation", "reasoning"};
    private static final String NONE = "none";

    private final MeterRegistry registry;
    private final ConcurrentHashMap<String, GroupMeters> groups = new ConcurrentHashMap<>();
    /** Token counters per key (app), by the raw alias or key hash; at most {@link #MAX_KEY_LABELS} keys. */
    private final ConcurrentHashMap<String, KeyMeters> keys = new ConcurrentHashMap<>();

    private volatile KeyMeters otherKeys;

    private final boolean keyLabels;

    public GatewayMetrics(
            MeterRegistry registry,
            @ConfigProperty(name = "gateway.metrics.key-labels", defaultValue = "false") boolean keyLabels) {
        this.registry = registry;
        this.keyLabels = keyLabels;
    }

    public void record(UsageRecord r) {
        GroupMeters g = group(orNone(r.modelGroup()));
        RouteMeters m = g.route(r.deploymentId() == null ? "" : r.deploymentId(), r.provider());
        boolean stream = r.stream();
        m.requests(statusIndex(r.httpStatus()), stream, r.cacheHit()).increment();
        m.duration(stream).record(r.latencyMs(), TimeUnit.MILLISECONDS);
        if (r.upstreamNanos() >= 0) {
            m.upstream(stream).record(r.upstreamNanos(), TimeUnit.NANOSECONDS);
        }
        m.overhead(stream, r.cacheHit()).record(Math.max(0, r.overheadNanos()), TimeUnit.NANOSECONDS);
        if (r.ttftMs() != null) {
            m.ttft().record(r.ttftMs(), TimeUnit.MILLISECONDS);
        }
        g.tokens(0, r.promptTokens());
        g.tokens(1, r.completionTokens());
        g.tokens(2, r.cachedReadTokens());
        g.tokens(3, r.cacheCreationTokens());
        g.tokens(4, r.reasoningTokens());
        if (r.promptTokens() > 0 || r.completionTokens() > 0) {
            KeyMeters k = key(r);
            k.prompt.increment(Math.max(0, r.promptTokens()));
            k.completion.increment(Math.max(0, r.completionTokens()));
        }
        if (r.costUsd() != null && r.costUsd().signum() > 0) {
            // a DistributionSummary keeps count and sum exactly; its _sum is the spend counter
            g.spend(r).record(r.costUsd().doubleValue());
        }
    }

    private GroupMeters group(String name) {
        GroupMeters g = groups.get(name);
        return g != null ? g : groups.computeIfAbsent(name, GroupMeters::new);
    }

    private KeyMeters key(UsageRecord r) {
        String key = keyOf(r);
        KeyMeters k = keys.get(key);
        if (k != null) {
            return k;
        }
        if (keys.size() >= MAX_KEY_LABELS) {
            KeyMeters o = otherKeys;
            if (o == null) {
                o = new KeyMeters("other");
                otherKeys = o;
            }
            return o;
        }
        return keys.computeIfAbsent(key, x -> new KeyMeters(keyLabel(r, x)));
    }

    /** The map key of the caller's key: its alias, else its hash (no string built); one for all without key labels. */
    private String keyOf(UsageRecord r) {
        if (!keyLabels) {
            return ALL_KEYS;
        }
        return hasAlias(r) ? r.keyAlias() : r.keyHash() == null ? NONE : r.keyHash();
    }

    /** The label of the caller's key: its alias, else the first 8 characters of its hash. */
    private String keyLabel(UsageRecord r, String key) {
        if (!keyLabels) {
            return ALL_KEYS;
        }
        return hasAlias(r) ? key : key.substring(0, Math.min(8, key.length()));
    }

    private static boolean hasAlias(UsageRecord r) {
        return r.keyAlias() != null && !r.keyAlias().isBlank();
    }

    static int statusIndex(int status) {
        if (status == 499) {
            return 6;
        }
        if (status <= 0) {
            return 0;
        }
        // a status above 599 would be a gateway bug: counted with the server errors
        return Math.min(5, Math.max(1, status / 100));
    }

    static String statusClass(int status) {
        return STATUS_CLASSES[statusIndex(status)];
    }

    private static String orNone(String v) {
        return v == null || v.isEmpty() ? NONE : v;
    }

    /** The meters of one model group. */
    private final class GroupMeters {
        private final String group;
        private final ConcurrentHashMap<String, RouteMeters> routes = new ConcurrentHashMap<>();
        private final AtomicReferenceArray<Counter> tokens = new AtomicReferenceArray<>(TOKEN_TYPES.length);
        /** By the raw alias or key hash (no label string built per request). */
        private final ConcurrentHashMap<String, DistributionSummary> spend = new ConcurrentHashMap<>();

        private volatile DistributionSummary other;

        GroupMeters(String group) {
            this.group = group;
        }

        RouteMeters route(String deploymentId, String provider) {
            RouteMeters m = routes.get(deploymentId);
            return m != null
                    ? m
                    : routes.computeIfAbsent(deploymentId, id -> new RouteMeters(group, orNone(id), orNone(provider)));
        }

        void tokens(int type, long count) {
            if (count <= 0) {
                return;
            }
            Counter c = tokens.get(type);
            if (c == null) {
                c = Counter.builder("gateway_tokens")
                        .description("Tokens processed, by type")
                        .tags("model_group", group, "type", TOKEN_TYPES[type])
                        .register(registry);
                tokens.set(type, c);
            }
            c.increment(count);
        }

        DistributionSummary spend(UsageRecord r) {
            String key = keyOf(r);
            DistributionSummary s = spend.get(key);
            if (s != null) {
                return s;
            }
            if (spend.size() >= MAX_KEY_LABELS) {
                DistributionSummary o = other;
                if (o == null) {
                    o = spendSummary("other");
                    other = o;
                }
                return o;
            }
            return spend.computeIfAbsent(key, k -> spendSummary(keyLabel(r, k)));
        }

        private DistributionSummary spendSummary(String keyLabel) {
            return DistributionSummary.builder("gateway_spend_usd")
                    .description("Provider cost of completed calls in USD (from model_info prices)")
                    .tags("model_group", group, "key_alias", keyLabel)
                    .register(registry);
        }
    }

    /** Prompt and completion tokens of one key (app), over all model groups. */
    private final class KeyMeters {
        final Counter prompt;
        final Counter completion;

        KeyMeters(String label) {
            prompt = keyTokens(label, "prompt");
            completion = keyTokens(label, "completion");
        }

        private Counter keyTokens(String label, String type) {
            return Counter.builder("gateway_key_tokens")
                    .description(
                            "Tokens processed per key (app), by type; prompt includes cached, completion reasoning")
                    .tags("key_alias", label, "type", type)
                    .register(registry);
        }
    }

    /** The meters of one deployment of a model group (for cache hits: no deployment). */
    private final class RouteMeters {
        private final String group;
        private final String deployment;
        private final String provider;
        /** [status class][stream][cache hit], registered on first use. */
        private final AtomicReferenceArray<Counter> requests = new AtomicReferenceArray<>(STATUS_CLASSES.length * 4);
        /** [stream] */
        private final AtomicReferenceArray<Timer> durations = new AtomicReferenceArray<>(2);

        private final AtomicReferenceArray<Timer> upstreams = new AtomicReferenceArray<>(2);
        /** [stream][cache hit] */
        private final AtomicReferenceArray<Timer> overheads = new AtomicReferenceArray<>(4);

        private volatile Timer ttft;

        RouteMeters(String group, String deployment, String provider) {
            this.group = group;
            this.deployment = deployment;
            this.provider = provider;
        }

        Counter requests(int status, boolean stream, boolean cacheHit) {
            int i = status * 4 + (stream ? 2 : 0) + (cacheHit ? 1 : 0);
            Counter c = requests.get(i);
            if (c == null) {
                c = Counter.builder("gateway_requests")
                        .description("Client requests that reached a model group, by outcome")
                        .tags(
                                "model_group",
                                group,
                                "deployment",
                                deployment,
                                "provider",
                                provider,
                                "status_class",
                                STATUS_CLASSES[status],
                                "stream",
                                Boolean.toString(stream),
                                "cache_hit",
                                Boolean.toString(cacheHit))
                        .register(registry);
                requests.set(i, c);
            }
            return c;
        }

        Timer duration(boolean stream) {
            return timer(
                    durations,
                    stream ? 1 : 0,
                    "gateway_request_duration",
                    "Time from request received to response complete",
                    stream,
                    null);
        }

        Timer upstream(boolean stream) {
            return timer(
                    upstreams,
                    stream ? 1 : 0,
                    "gateway_upstream_duration",
                    "Time spent waiting on the provider: first upstream call started to its answer complete (all"
                            + " attempts of the request)",
                    stream,
                    null);
        }

        Timer overhead(boolean stream, boolean cacheHit) {
            return timer(
                    overheads,
                    (stream ? 2 : 0) + (cacheHit ? 1 : 0),
                    "gateway_overhead",
                    "The gateway's own time per request: request duration minus the time spent waiting on the"
                            + " provider",
                    stream,
                    cacheHit);
        }

        Timer ttft() {
            Timer t = ttft;
            if (t == null) {
                t = Timer.builder("gateway_time_to_first_token")
                        .description("Time from request received to the first streamed chunk sent")
                        .tags("model_group", group, "provider", provider)
                        .serviceLevelObjectives(LATENCY_BUCKETS)
                        .register(registry);
                ttft = t;
            }
            return t;
        }

        private Timer timer(
                AtomicReferenceArray<Timer> slots,
                int i,
                String name,
                String description,
                boolean stream,
                Boolean cacheHit) {
            Timer t = slots.get(i);
            if (t == null) {
                Timer.Builder b = Timer.builder(name)
                        .description(description)
                        .tags("model_group", group, "provider", provider, "stream", Boolean.toString(stream));
                if (cacheHit != null) {
                    b.tag("cache_hit", cacheHit.toString()).serviceLevelObjectives(OVERHEAD_BUCKETS);
                } else {
                    b.serviceLevelObjectives(LATENCY_BUCKETS);
                }
                t = b.register(registry);
                slots.set(i, t);
            }
            return t;
        }
    }
}
