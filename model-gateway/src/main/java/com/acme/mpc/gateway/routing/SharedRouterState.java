package com.acme.mpc.gateway.routing;

import com.acme.mpc.gateway.cache.RedisLink;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Response;
import java.util.ArrayList;
import java.util.List;

/**
 * rpm/tpm counters and cooldowns shared by every replica through Redis. Keys:
 * {@code {namespace}:rpm:{deploymentId}:{epochMinute}} and {@code ...:tpm:...} (INCR/INCRBY, expire after 2 minutes),
 * {@code {namespace}:cooldown:{deploymentId}} (value = cooldown end in epoch ms, PX = its length). A request reserves its
 * rpm slot with one atomic INCR; token counts and cooldowns of other replicas are read every 500 ms off the request
 * path. When Redis is down every decision uses this process's own counters.
 */
public final class SharedRouterState implements AutoCloseable {
    private static final String INCR_WITH_EXPIRY =
            "local c = redis.call('INCRBY', KEYS[1], ARGV[1]) if c == tonumber(ARGV[1]) then"
                    + " redis.call('EXPIRE', KEYS[1], ARGV[2]) end return c";
    private static final long SYNC_INTERVAL_MS = 500;

    private final RedisLink redis;
    private final String namespace;
    private final Vertx vertx;
    private volatile List<DeploymentState> tracked = List.of();
    private long timer = -1;

    public SharedRouterState(RedisLink redis, String namespace, Vertx vertx) {
        this.redis = redis;
        this.namespace = namespace;
        this.vertx = vertx;
    }

    void track(List<DeploymentState> states) {
        this.tracked = states;
        if (vertx != null && timer < 0 && !states.isEmpty()) {
            timer = vertx.setPeriodic(SYNC_INTERVAL_MS, id -> sync().subscribe().with(v -> {}, t -> {}));
        }
    }

    boolean available() {
        return redis.up();
    }

    String rpmKey(DeploymentState s, long minute) {
        return namespace + ":rpm:" + s.deployment.id() + ":" + minute;
    }

    String tpmKey(DeploymentState s, long minute) {
        return namespace + ":tpm:" + s.deployment.id() + ":" + minute;
    }

    String cooldownKey(DeploymentState s) {
        return namespace + ":cooldown:" + s.deployment.id();
    }

    /** The shared request count of this minute after counting this one; -1 when Redis did not answer. */
    Uni<Long> reserveRequest(DeploymentState s, long nowMillis) {
        String key = rpmKey(s, nowMillis / 60_000);
        return redis.call(api -> api.eval(List.of(INCR_WITH_EXPIRY, "1", key, "1", "120")))
                .map(Response::toLong)
                .onFailure()
                .recoverWithItem(-1L);
    }

    void addTokens(DeploymentState s, long nowMillis, long tokens) {
        String key = tpmKey(s, nowMillis / 60_000);
        redis.send(api -> api.eval(List.of(INCR_WITH_EXPIRY, "1", key, Long.toString(tokens), "120")));
    }

    void coolDown(DeploymentState s, long untilMillis) {
        long ttl = Math.max(1, untilMillis - System.currentTimeMillis());
        redis.send(api -> api.set(List.of(cooldownKey(s), Long.toString(untilMillis), "PX", Long.toString(ttl))));
    }

    /** Reads every tracked deployment's shared counters and cooldown in one MGET. */
    public Uni<Void> sync() {
        List<DeploymentState> states = tracked;
        if (states.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        long now = System.currentTimeMillis();
        long minute = now / 60_000;
        List<String> keys = new ArrayList<>(states.size() * 3);
        for (DeploymentState s : states) {
            keys.add(rpmKey(s, minute));
            keys.add(tpmKey(s, minute));
            keys.add(cooldownKey(s));
        }
        return redis.call(api -> api.mget(keys))
                .invoke(r -> {
                    for (int i = 0; i < states.size(); i++) {
                        DeploymentState s = states.get(i);
                        s.shared(minute, asLong(r.get(3 * i)), asLong(r.get(3 * i + 1)));
                        long until = asLong(r.get(3 * i + 2));
                        if (until > now) {
                            s.coolDownUntil(until);
                        }
                    }
                })
                .replaceWithVoid()
                .onFailure()
                .recoverWithNull();
    }

    private static long asLong(Response r) {
        if (r == null) {
            return 0;
        }
        try {
            return Long.parseLong(r.toString());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    @Override
    public void close() {
        if (timer >= 0 && vertx != null) {
            vertx.cancelTimer(timer);
        }
    }
}
