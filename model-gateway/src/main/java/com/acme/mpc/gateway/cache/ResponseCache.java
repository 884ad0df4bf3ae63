package com.acme.mpc.gateway.cache;

import com.acme.mpc.gateway.config.CacheSettings;
import com.acme.mpc.gateway.config.ConfigHolder;
import com.acme.mpc.gateway.core.CallType;
import com.acme.mpc.gateway.core.Json;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.arc.All;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * LiteLLM's response cache ({@code litellm_settings.cache: true} + {@code cache_params}): answers of supported call
 * types are stored under {@link CacheKey} in a local or Redis store and served again while fresh. The cache is an
 * optimisation: whatever happens to the store, a request is answered (a miss at worst).
 */
@ApplicationScoped
public class ResponseCache {
    private static final Logger LOG = Logger.getLogger(ResponseCache.class);

    /** One request's view of the cache: its key and controls. */
    public record Lookup(String key, CacheControls controls, CallType type) {}

    /** A fresh cached answer. */
    public record Hit(String key, ObjectNode answer) {}

    private final CacheSettings settings;
    private final ResponseStore store;
    private final Counter hits;
    private final Counter misses;

    @Inject
    public ResponseCache(ConfigHolder holder, RedisLinks redis, @All List<MeterRegistry> registries) {
        this.settings = holder.config().cache();
        if (!settings.enabled()) {
            store = null;
        } else if ("redis".equals(settings.type()) && redis.cache().isPresent()) {
            store = new RedisResponseStore(redis.cache().get());
        } else {
            store = new LocalResponseStore(settings.maxEntries());
        }
        if (store != null) {
            LOG.infof(
                    "response cache: %s, ttl %ds, call types %s",
                    store.type(), settings.ttl().toSeconds(), settings.supportedCallTypes());
        }
        MeterRegistry registry = registries.isEmpty() ? null : registries.get(0);
        hits = registry == null
                ? null
                : Counter.builder("gateway_cache_hits")
                        .description("Requests answered from the response cache")
                        .register(registry);
        misses = registry == null
                ? null
                : Counter.builder("gateway_cache_misses")
                        .description("Cacheable requests not found in the response cache (or the store unavailable)")
                        .register(registry);
    }

    /** Package-private for tests: a cache over a given store. */
    ResponseCache(CacheSettings settings, ResponseStore store) {
        this.settings = settings;
        this.store = store;
        this.hits = null;
        this.misses = null;
    }

    public boolean enabled() {
        return store != null;
    }

    /** "disabled", or the store type and its state, for readiness. */
    public String describe() {
        return store == null ? "disabled" : store.type() + ": " + store.status();
    }

    /** The lookup of a request, or null when the cache does not apply to it. */
    public Lookup lookupFor(CallType type, String group, ObjectNode body, CacheControls controls) {
        if (store == null || !settings.supportedCallTypes().contains(configName(type))) {
            return null;
        }
        if (controls.noCache() && controls.noStore()) {
            return null;
        }
        String ns = controls.namespace() != null ? controls.namespace() : settings.namespace();
        String key = (ns == null ? "" : ns + ":") + "mpc-gateway:cache:" + CacheKey.of(type, group, body);
        return new Lookup(key, controls, type);
    }

    private static String configName(CallType type) {
        return switch (type) {
            case CHAT_COMPLETION -> "completion";
            case TEXT_COMPLETION -> "text_completion";
            case EMBEDDING -> "embedding";
            case ANTHROPIC_MESSAGES -> "anthropic_messages";
            case RESPONSES -> "responses";
            // media calls are never looked up in the cache (MediaPipeline): their name only fills the switch
            default -> type.wireName();
        };
    }

    /** Resolves to a fresh hit, or null (miss, no-cache, store unavailable, unreadable entry). Never fails. */
    public Uni<Hit> get(Lookup lookup) {
        if (lookup == null || lookup.controls().noCache()) {
            return Uni.createFrom().nullItem();
        }
        return store.get(lookup.key())
                .map(entry -> {
                    if (entry == null) {
                        return null;
                    }
                    Duration maxAge = lookup.controls().maxAge();
                    if (maxAge != null && System.currentTimeMillis() - entry.storedAtMillis() > maxAge.toMillis()) {
                        return null;
                    }
                    ObjectNode answer = Json.objectOrNull(entry.json());
                    return answer == null ? null : new Hit(lookup.key(), answer);
                })
                .onFailure()
                .recoverWithNull()
                .invoke(hit -> {
                    Counter c = hit == null ? misses : hits;
                    if (c != null) {
                        c.increment();
                    }
                });
    }

    public void put(Lookup lookup, ObjectNode answer) {
        if (lookup == null || answer == null || lookup.controls().noStore()) {
            return;
        }
        Duration ttl = lookup.controls().ttl() != null ? lookup.controls().ttl() : settings.ttl();
        if (ttl.isZero()) {
            return;
        }
        try {
            store.put(lookup.key(), new ResponseStore.Entry(System.currentTimeMillis(), Json.toBytes(answer)), ttl);
        } catch (RuntimeException e) {
            LOG.debugf("cache store failed: %s", e.getMessage());
        }
    }
}
