package com.acme.mpc.gateway.cache;

import io.smallrye.mutiny.Uni;
import java.time.Duration;

/** Where cached answers live: in this process or in Redis. Never fails: an unavailable store is a miss. */
public interface ResponseStore {
    /** A stored answer and when it was stored (epoch ms). */
    record Entry(long storedAtMillis, byte[] json) {}

    /** Resolves to the entry, or null on a miss (also when the store is unavailable). */
    Uni<Entry> get(String key);

    void put(String key, Entry entry, Duration ttl);

    String type();

    /** "ok", or "unavailable" when a remote store does not answer. */
    String status();
}
