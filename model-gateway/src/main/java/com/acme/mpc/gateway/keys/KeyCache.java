package com.acme.mpc.gateway.keys;

import com.acme.mpc.gateway.usage.CostTrackerSettings;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.jboss.logging.Logger;

/**
 * Key lookups through cost-tracker, each reused for {@code key-cache-ttl} (unknown keys too, so a flood of bad keys
 * does not reach cost-tracker). Concurrent lookups of one key share one call. When cost-tracker cannot be reached, a
 * cached answer is still used for {@code key-stale-ttl}; without one the request gets 503.
 */
@ApplicationScoped
public class KeyCache {
    private static final Logger LOG = Logger.getLogger(KeyCache.class);
    private static final int MAX_ENTRIES = 100_000;

    private record Entry(Optional<KeyInfo> value, long fetchedNanos) {}

    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, CompletableFuture<Optional<KeyInfo>>> inflight = new ConcurrentHashMap<>();
    private final Function<String, Uni<Optional<KeyInfo>>> fetch;
    private final long ttlNanos;
    private final long staleNanos;
    private final LongSupplier clock;

    @Inject
    public KeyCache(CostTrackerKeysClient client, CostTrackerSettings settings) {
        this(
                client::lookup,
                settings.keyCacheTtl().toNanos(),
                settings.keyStaleTtl().toNanos(),
                System::nanoTime);
    }

    KeyCache(Function<String, Uni<Optional<KeyInfo>>> fetch, long ttlNanos, long staleNanos, LongSupplier clock) {
        this.fetch = fetch;
        this.ttlNanos = ttlNanos;
        this.staleNanos = staleNanos;
        this.clock = clock;
    }

    public Uni<Optional<KeyInfo>> get(String keyHash) {
        Entry e = entries.get(keyHash);
        long now = clock.getAsLong();
        if (e != null && now - e.fetchedNanos() < ttlNanos) {
            return Uni.createFrom().item(e.value());
        }
        CompletableFuture<Optional<KeyInfo>> created = new CompletableFuture<>();
        CompletableFuture<Optional<KeyInfo>> f = inflight.putIfAbsent(keyHash, created);
        if (f == null) {
            f = created;
            load(keyHash, created);
        }
        return Uni.createFrom().completionStage(f).onFailure().recoverWithUni(t -> {
            Entry stale = entries.get(keyHash);
            if (stale != null && stale.value().isPresent() && clock.getAsLong() - stale.fetchedNanos() < staleNanos) {
                return Uni.createFrom().item(stale.value());
            }
            return Uni.createFrom().failure(t);
        });
    }

    private void load(String keyHash, CompletableFuture<Optional<KeyInfo>> f) {
        fetch.apply(keyHash)
                .subscribe()
                .with(
                        v -> {
                            if (entries.size() >= MAX_ENTRIES) {
                                long now = clock.getAsLong();
                                entries.values().removeIf(x -> now - x.fetchedNanos() >= ttlNanos);
                                if (entries.size() >= MAX_ENTRIES) {
                                    entries.clear();
                                }
                            }
                            entries.put(keyHash, new Entry(v, clock.getAsLong()));
                            inflight.remove(keyHash, f);
                            f.complete(v);
                        },
                        t -> {
                            LOG.debugf("key lookup of %s failed: %s", KeyInfo.shortHash(keyHash), t.getMessage());
                            inflight.remove(keyHash, f);
                            f.completeExceptionally(t);
                        });
    }

    /** Forgets every cached key (tests). */
    public void clear() {
        entries.clear();
    }
}
