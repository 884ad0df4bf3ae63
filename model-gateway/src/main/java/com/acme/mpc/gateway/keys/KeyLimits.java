package com.acme.mpc.gateway.keys;

import com.acme.mpc.gateway.core.GatewayException;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * A virtual key's and its team's rpm, tpm and parallel-request limits, counted in this process per key (per team)
 * and per clock minute (as
 * LiteLLM without Redis: with several gateway replicas each replica applies the limits on its own). rpm counts the
 * calls admitted in the current minute; tpm counts the tokens of calls that finished in the current minute (a call
 * is admitted while the minute's tokens are under the limit, so calls in flight may take it over); parallel counts
 * the calls in flight.
 */
@ApplicationScoped
public class KeyLimits {
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
    private final LongSupplier clockMillis;

    public KeyLimits() {
        this(System::currentTimeMillis);
    }

    KeyLimits(LongSupplier clockMillis) {
        this.clockMillis = clockMillis;
    }

    /**
     * Admits one call of the key and of its team (a team's rpm/tpm/parallel limits are shared by all its keys) or
     * throws 429 with a retry-after naming the key or the team. A call refused by one does not count against the other.
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
            if (parallel != null && s.inFlight >= parallel) {
                throw limited("max_parallel_requests", who, parallel + " parallel requests", 1000);
            }
            if (rpm != null && s.requests >= rpm) {
                throw limited("rpm_limit", who, rpm + " requests per minute", untilNextMinute);
            }
            if (tpm != null && s.tokens >= tpm) {
                throw limited("tpm_limit", who, tpm + " tokens per minute", untilNextMinute);
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

    /** Counts the tokens of a finished call of the key towards its tpm limit. */
    public void countTokens(String keyHash, long tokens) {
        if (keyHash == null || tokens <= 0) {
            return;
        }
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

    private static GatewayException limited(String which, String who, String limit, long retryAfterMs) {
        return new GatewayException(
                429,
                "rate_limit_error",
                "Rate limit reached for " + who + ": " + which + " is " + limit + ". Retry after the limit window.",
                null,
                which + "_exceeded",
                false,
                retryAfterMs);
    }
}
