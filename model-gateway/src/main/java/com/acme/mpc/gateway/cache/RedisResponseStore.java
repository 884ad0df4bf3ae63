package com.acme.mpc.gateway.cache;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * {@code type: redis}: answers shared by every replica. Value = stored-at (epoch ms), ':', the answer's JSON; SET
 * with PX = ttl. A Redis failure is a miss (get) or a skipped store (put), never a failed request.
 */
public final class RedisResponseStore implements ResponseStore {
    private final RedisLink redis;

    public RedisResponseStore(RedisLink redis) {
        this.redis = redis;
    }

    @Override
    public Uni<Entry> get(String key) {
        if (!redis.up()) {
            return Uni.createFrom().nullItem();
        }
        return redis.call(api -> api.get(key))
                .map(RedisResponseStore::decode)
                .onFailure()
                .recoverWithNull();
    }

    private static Entry decode(Response r) {
        if (r == null) {
            return null;
        }
        String value = r.toString();
        int colon = value.indexOf(':');
        if (colon <= 0) {
            return null;
        }
        try {
            return new Entry(
                    Long.parseLong(value.substring(0, colon)),
                    value.substring(colon + 1).getBytes(StandardCharsets.UTF_8));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    @Override
    public void put(String key, Entry entry, Duration ttl) {
        if (!redis.up()) {
            return;
        }
        String value = entry.storedAtMillis() + ":" + new String(entry.json(), StandardCharsets.UTF_8);
        redis.send(api -> api.set(List.of(key, value, "PX", Long.toString(Math.max(1, ttl.toMillis())))));
    }

    @Override
    public String type() {
        return "redis";
    }

    @Override
    public String status() {
        return redis.up() ? "ok" : "unavailable";
    }
}
