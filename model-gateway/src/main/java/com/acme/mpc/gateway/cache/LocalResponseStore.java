package com.acme.mpc.gateway.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.smallrye.mutiny.Uni;
import java.time.Duration;

/** {@code type: local}: a bounded in-process Caffeine cache, each entry with its own ttl. */
public final class LocalResponseStore implements ResponseStore {
    private record Timed(Entry entry, long ttlNanos) {}

    private final Cache<String, Timed> cache;

    public LocalResponseStore(long maxEntries) {
        this.cache = Caffeine.newBuilder()
                .maximumSize(maxEntries)
                .expireAfter(new Expiry<String, Timed>() {
                    @Override
                    public long expireAfterCreate(String key, Timed value, long currentTime) {
                        return value.ttlNanos();
                    }

                    @Override
                    public long expireAfterUpdate(String key, Timed value, long currentTime, long currentDuration) {
                        return value.ttlNanos();
                    }

                    @Override
                    public long expireAfterRead(String key, Timed value, long currentTime, long currentDuration) {
                        return currentDuration;
                    }
                })
                .build();
    }

    @Override
    public Uni<Entry> get(String key) {
        Timed t = cache.getIfPresent(key);
        return Uni.createFrom().item(t == null ? null : t.entry());
    }

    @Override
    public void put(String key, Entry entry, Duration ttl) {
        cache.put(key, new Timed(entry, ttl.toNanos()));
    }

    @Override
    public String type() {
        return "local";
    }

    @Override
    public String status() {
        return "ok";
    }

    public long size() {
        return cache.estimatedSize();
    }
}
