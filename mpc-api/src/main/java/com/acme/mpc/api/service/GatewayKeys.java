package com.acme.mpc.api.service;

import com.acme.mpc.api.client.ModelGatewayClient;
import com.acme.mpc.api.config.MpcApiConfig;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Future;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Gateway virtual keys presented to mpc-api as client credentials: each is checked once with the gateway (its
 * {@code /key/info}, asked with the key itself) and the answer reused for {@code gateway-key-cache-ttl}. The app is
 * named by the key's alias ({@code key-<first 8 hex of its hash>} without one). Only hashes are kept, never a key.
 */
@ApplicationScoped
public class GatewayKeys {
    /** How long an unknown key's refusal is reused: short, so that a key created a moment later works soon. */
    static final long NEGATIVE_TTL_NANOS = 5_000_000_000L;

    private static final int MAX_ENTRIES = 10_000;
    private static final long CHECK_TIMEOUT_MILLIS = 5_000;

    private record Entry(Optional<String> app, long expiresAtNanos) {}

    private final ModelGatewayClient gateway;
    private final ObjectMapper mapper;
    private final boolean enabled;
    private final long ttlNanos;
    private final LongSupplier clock;
    private final Map<String, Entry> byHash = new ConcurrentHashMap<>();

    @Inject
    public GatewayKeys(ModelGatewayClient gateway, ObjectMapper mapper, MpcApiConfig config) {
        this(
                gateway,
                mapper,
                config.clients().acceptGatewayKeys(),
                config.clients().gatewayKeyCacheTtl().toNanos(),
                System::nanoTime);
    }

    GatewayKeys(ModelGatewayClient gateway, ObjectMapper mapper, boolean enabled, long ttlNanos, LongSupplier clock) {
        this.gateway = gateway;
        this.mapper = mapper;
        this.enabled = enabled;
        this.ttlNanos = ttlNanos;
        this.clock = clock;
    }

    /** Whether a presented credential that is no client token is tried as a gateway virtual key. */
    public boolean accepts(String token) {
        return enabled && token.startsWith("sk-");
    }

    /**
     * The app of a gateway key, or empty when the gateway does not know it; fails when the gateway cannot say (down,
     * timeout, 5xx), which is not the client's fault.
     */
    public Future<Optional<String>> appFor(String key) {
        String hash = ClientRegistry.hash(key);
        long now = clock.getAsLong();
        Entry cached = byHash.get(hash);
        if (cached != null && now < cached.expiresAtNanos()) {
            return Future.succeededFuture(cached.app());
        }
        return gateway.keyInfo(key, CHECK_TIMEOUT_MILLIS).map(answer -> {
            Optional<String> app;
            if (answer.status() == 200) {
                app = Optional.of(appName(answer.body().toString(StandardCharsets.UTF_8), hash));
            } else if (answer.status() == 401 || answer.status() == 403 || answer.status() == 404) {
                app = Optional.empty();
            } else {
                throw new IllegalStateException("the gateway answered " + answer.status() + " to a key check");
            }
            if (byHash.size() >= MAX_ENTRIES) {
                long t = clock.getAsLong();
                byHash.values().removeIf(e -> t >= e.expiresAtNanos());
                if (byHash.size() >= MAX_ENTRIES) {
                    byHash.clear();
                }
            }
            byHash.put(hash, new Entry(app, clock.getAsLong() + (app.isPresent() ? ttlNanos : NEGATIVE_TTL_NANOS)));
            return app;
        });
    }

    private String appName(String body, String hash) {
        try {
            JsonNode root = mapper.readTree(body);
            JsonNode info = root.has("info") ? root.get("info") : root;
            String alias = info.path("key_alias").asText("");
            if (!alias.isBlank()) {
                return alias;
            }
        } catch (IOException e) {
            // an answer without an alias: named by its hash below
        }
        return "key-" + hash.substring(0, 8);
    }
}
