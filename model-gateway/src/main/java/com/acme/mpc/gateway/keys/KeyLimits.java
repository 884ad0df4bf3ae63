package com.acme.mpc.gateway.keys;

import com.acme.mpc.gateway.cache.RedisLinks;
import com.acme.mpc.gateway.config.GatewaySettings;
import com.acme.mpc.gateway.core.GatewayException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.arc.All;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.jboss.logging.Logger;

/**
 * A virtual key's and its team's rpm, tpm and parallel-request limits per key (per team) and per clock minute. With
 * Redis configured ({@code router_settings.redis_*}, else a Redis {@code cache_params}) the counts are shared by every
 * gateway replica ({@link SharedKeyLimits}); without it they are counted in this process (as LiteLLM without Redis:
 * each replica applies the limits on its own). While Redis does not answer, admission fails open to this process's
 * own counts (each replica then applies the limits alone) rather than refusing calls, counted in
 * {@code gateway_key_limits_redis_fallbacks_total} and logged once per outage. rpm counts the calls admitted in the
 * current minute; tpm counts the tokens of calls that finished in the current minute (a call is admitted while the
 * minute's tokens are under the limit, so calls in flight may take it over); parallel counts the calls in flight.
 */
@ApplicationScoped
public class KeyLimits {
    private static final Logger LOG = Logger.getLogger(KeyLimits.class);
    private static final long MINUTE_MS = 60_000;

    /** Gives back the parallel slot of an admitted call; idempotent. */
    public interface Slot {
        void release();
    }

    private static final class State {
        long minute = -1;
        long requests;
        long tokens;
        int inFlight;
    }

    private final ConcurrentHashMap<String, State> states = new ConcurrentHashMap<>();
    /** Levels with a tpm limit whose tokens are counted in Redis (others are not worth a Redis call per request). */
    private final Set<String> sharedTpm = ConcurrentHashMap.newKeySet();

    private final LongSupplier clockMillis;
    private final SharedKeyLimits shared;
    private final List<Counter> fallbacks;
    private final AtomicBoolean fallingBack = new AtomicBoolean();

    @Inject
    public KeyLimits(RedisLinks redis, @All List<MeterRegistry> registries, GatewaySettings settings) {
        this(
                System::currentTimeMillis,
                redis.router()
                        .or(redis::cache)
                        .map(link ->
                                new SharedKeyLimits(link, settings.keyLimits().redisNamespace()))
                        .orElse(null),
                registries);
    }

    KeyLimits(LongSupplier clockMillis) {
        this(clockMillis, null, List.of());
    }

    KeyLimits(LongSupplier clockMillis, SharedKeyLimits shared, List<MeterRegistry> registries) {
        this.clockMillis = clockMillis;
        this.shared = shared;
        List<Counter> counters = new ArrayList<>();
        for (MeterRegistry r : registries) {
            counters.add(Counter.builder("gateway_key_limits_redis_fallbacks")
                    .description(
                            "Calls whose key/team limits were counted in this process because Redis did not answer")
                    .register(r));
        }
        this.fallbacks = counters;
    }

    /** Whether the limits are shared with other replicas through Redis. */
    public boolean sharedThroughRedis() {
        return shared != null;
    }

    /**
     * Admits one call of the key and of its team, through Redis when configured; the Uni fails with a 429
     * GatewayException naming the key or the team. A call refused by one level does not count against the other.
     */
    public Uni<Slot> admitShared(KeyInfo key) {
        if (shared == null) {
            return Uni.createFrom().item(() -> admit(key));
        }
        List<SharedKeyLimits.Level> levels = levels(key);
        if (levels.isEmpty()) {
            return Uni.createFrom().item(NOTHING);
        }
        if (!shared.available()) {
            return Uni.createFrom().item(() -> fallBack(key, null));
        }
        long now = clockMillis.getAsLong();
        String slotId = UUID.randomUUID().toString();
        return shared.admit(levels, slotId, now)
                .map(o -> {
                    fallingBack.set(false);
                    if (!o.admitted()) {
                        SharedKeyLimits.Level l = levels.get(o.refusedLevel());
                        throw limited(
                                o.which(),
                                who(key, l),
                                l,
                                o.requests(),
                                o.tokens(),
                                o.inFlight(),
                                "max_parallel_requests".equals(o.which()) ? 1000 : untilNextMinute(now));
                    }
                    for (SharedKeyLimits.Level l : levels) {
                        if (l.tpm() != null) {
                            sharedTpm.add(l.id());
                        }
                    }
                    AtomicBoolean released = new AtomicBoolean();
                    return (Slot) () -> {
                        if (released.compareAndSet(false, true)) {
                            shared.release(levels, slotId);
                        }
                    };
                })
                .onFailure(t -> !(t instanceof GatewayException))
                .recoverWithItem(t -> fallBack(key, t));
    }

    private Slot fallBack(KeyInfo key, Throwable cause) {
        fallbacks.forEach(Counter::increment);
        if (fallingBack.compareAndSet(false, true)) {
            LOG.warnf(
                    "key limits: Redis did not answer (%s); counting rpm/tpm/parallel limits in this process"
                            + " until it does",
                    cause == null ? "link down" : cause.getMessage());
        }
        return admit(key);
    }

    private static List<SharedKeyLimits.Level> levels(KeyInfo key) {
        List<SharedKeyLimits.Level> levels = new ArrayList<>(2);
        KeyInfo.Team team = key.team();
        if (team != null
                && (team.rpmLimit() != null || team.tpmLimit() != null || team.maxParallelRequests() != null)) {
            levels.add(new SharedKeyLimits.Level(
                    "team:" + team.teamId(), team.rpmLimit(), team.tpmLimit(), team.maxParallelRequests()));
        }
        if (key.rpmLimit() != null || key.tpmLimit() != null || key.maxParallelRequests() != null) {
            levels.add(new SharedKeyLimits.Level(
                    key.keyHash(), key.rpmLimit(), key.tpmLimit(), key.maxParallelRequests()));
        }
        return levels;
    }

    private static String who(KeyInfo key, SharedKeyLimits.Level level) {
        return level.id().equals(key.keyHash())
                ? "key " + key.label()
                : "team " + key.team().teamId();
    }

    private long untilNextMinute(long now) {
        return (now / MINUTE_MS + 1) * MINUTE_MS - now;
    }

    /**
     * Admits one call of the key and of its team in this process (a team's rpm/tpm/parallel limits are shared by all
     * its keys) or throws 429 with a retry-after naming the key or the team. A call refused by one does not count against the other.
     */
    public Slot admit(KeyInfo key) {
        KeyInfo.Team team = key.team();
        Slot teamSlot = team == null
                ? NOTHING
                : admit(
                        "team:" + team.teamId(),
                        "team " + team.teamId(),
                        team.rpmLimit(),
                        team.tpmLimit(),
                        team.maxParallelRequests());
        Slot keySlot;
        try {
            keySlot = admit(
                    key.keyHash(), "key " + key.label(), key.rpmLimit(), key.tpmLimit(), key.maxParallelRequests());
        } catch (GatewayException e) {
            if (teamSlot instanceof Counted c) {
                c.refund();
            }
            throw e;
        }
        if (teamSlot == NOTHING) {
            return keySlot;
        }
        return () -> {
            keySlot.release();
            teamSlot.release();
        };
    }

    private static final Slot NOTHING = () -> {};

    /** An admitted call's slot in one state; {@link #refund} takes the admission back entirely. */
    private static final class Counted implements Slot {
        private final State s;
        private final AtomicBoolean released = new AtomicBoolean();

        Counted(State s) {
            this.s = s;
        }

        @Override
        public void release() {
            if (released.compareAndSet(false, true)) {
                synchronized (s) {
                    s.inFlight--;
                }
            }
        }

        void refund() {
            if (released.compareAndSet(false, true)) {
                synchronized (s) {
                    s.inFlight--;
                    s.requests = Math.max(0, s.requests - 1);
                }
            }
        }
    }

    private Slot admit(String id, String who, Integer rpm, Integer tpm, Integer parallel) {
        if (rpm == null && tpm == null && parallel == null) {
            return NOTHING;
        }
        long now = clockMillis.getAsLong();
        long minute = now / MINUTE_MS;
        long untilNextMinute = (minute + 1) * MINUTE_MS - now;
        State s = states.computeIfAbsent(id, h -> new State());
        synchronized (s) {
            roll(s, minute);
            SharedKeyLimits.Level level = new SharedKeyLimits.Level(id, rpm, tpm, parallel);
            if (parallel != null && s.inFlight >= parallel) {
                throw limited("max_parallel_requests", who, level, s.requests, s.tokens, s.inFlight, 1000);
            }
            if (rpm != null && s.requests >= rpm) {
                throw limited("rpm_limit", who, level, s.requests, s.tokens, s.inFlight, untilNextMinute);
            }
            if (tpm != null && s.tokens >= tpm) {
                throw limited("tpm_limit", who, level, s.requests, s.tokens, s.inFlight, untilNextMinute);
            }
            s.requests++;
            s.inFlight++;
        }
        return new Counted(s);
    }

    /** Counts the tokens of a finished call towards its key's and its team's tpm limits. */
    public void countTokens(String keyHash, String teamId, long tokens) {
        countTokens(keyHash, tokens);
        if (teamId != null) {
            countTokens("team:" + teamId, tokens);
        }
    }

    private void countShared(String id, long tokens) {
        if (shared != null && sharedTpm.contains(id)) {
            shared.addTokens(id, clockMillis.getAsLong(), tokens);
        }
    }

    /** Counts the tokens of a finished call of the key towards its tpm limit. */
    public void countTokens(String keyHash, long tokens) {
        if (keyHash == null || tokens <= 0) {
            return;
        }
        countShared(keyHash, tokens);
        State s = states.get(keyHash);
        if (s == null) {
            return; // the key has no limits (no state is created for such keys)
        }
        synchronized (s) {
            roll(s, clockMillis.getAsLong() / MINUTE_MS);
            s.tokens += tokens;
        }
    }

    private static void roll(State s, long minute) {
        if (s.minute != minute) {
            s.minute = minute;
            s.requests = 0;
            s.tokens = 0;
        }
    }

    /**
     * 429 in OpenAI's shape with LiteLLM's rate-limit message (its current and limit values), naming the key or team
     * whose limit was reached.
     */
    private static GatewayException limited(
            String which,
            String who,
            SharedKeyLimits.Level level,
            long requests,
            long tokens,
            long inFlight,
            long retryAfterMs) {
        String type = who.startsWith("team ") ? "team" : "key";
        return new GatewayException(
                429,
                "rate_limit_error",
                "LiteLLM Rate Limit Handler for rate limit type = " + type
                        + ". Crossed TPM / RPM / Max Parallel Request Limit. current rpm: " + requests + ", rpm limit: "
                        + orNone(level.rpm()) + ", current tpm: " + tokens + ", tpm limit: " + orNone(level.tpm())
                        + ", current max_parallel_requests: " + inFlight + ", max_parallel_requests: "
                        + orNone(level.parallel()) + " (" + which + " of " + who + ")",
                null,
                which + "_exceeded",
                false,
                retryAfterMs);
    }

    private static String orNone(Integer v) {
        return v == null ? "None" : v.toString();
    }
}
