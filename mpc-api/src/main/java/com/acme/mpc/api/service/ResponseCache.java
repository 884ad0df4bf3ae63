package com.acme.mpc.api.service;

import com.acme.mpc.api.config.MpcApiConfig;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import io.quarkus.cache.Cache;
import io.quarkus.cache.CacheName;
import io.quarkus.cache.CaffeineCache;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;

/**
 * Answers to identical non-streaming requests (MPC_API_CACHE_ENABLED, off by default). Backed by the
 * quarkus-cache Caffeine cache "mpc-api-responses", bounded in size with a TTL. The key is a SHA-256 over
 * the route, the client and the body with its properties sorted, so formatting and key order do not
 * matter and apps never see each other's entries.
 */
@ApplicationScoped
public class ResponseCache {

    public static final String NAME = "mpc-api-responses";

    /** What is kept of a 200 answer. */
    public record CachedResponse(String contentType, byte[] body) {}

    private final boolean enabled;
    private final CaffeineCache cache;
    private final ObjectMapper canonicalMapper;

    public ResponseCache(MpcApiConfig config, @CacheName(NAME) Cache cache, ObjectMapper mapper) {
        this.enabled = config.cache().enabled();
        this.cache = cache.as(CaffeineCache.class);
        this.canonicalMapper = mapper.copy().configure(JsonNodeFeature.WRITE_PROPERTIES_SORTED, true);
    }

    public boolean enabled() {
        return enabled;
    }

    public String key(String route, String client, JsonNode body) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update((route + '\n' + client + '\n').getBytes(StandardCharsets.UTF_8));
            digest.update(canonicalMapper.writeValueAsBytes(body));
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException | JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The cached answer, or null. */
    public CachedResponse get(String key) {
        CompletableFuture<Object> entry = cache.getIfPresent(key);
        if (entry == null || !entry.isDone() || entry.isCompletedExceptionally()) {
            return null;
        }
        return (CachedResponse) entry.getNow(null);
    }

    public void put(String key, CachedResponse response) {
        cache.put(key, CompletableFuture.completedFuture(response));
    }
}
