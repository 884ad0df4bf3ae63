package com.acme.mpc.gateway.keys;

import com.acme.mpc.gateway.core.GatewayException;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * A virtual key's rpm, tpm and parallel-request limits, counted in this process per key and per clock minute (as
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

    /** Admits one call of the key or throws 429 with a retry-after. */
    public Slot admit(KeyInfo key) {
        if (key.rpmLimit() == null && key.tpmLimit() == null && key.maxParallelRequests() == null) {
            return () -> {};
        }
        long now = clockMillis.getAsLong();
        long minute = now / MINUTE_MS;
        long untilNextMinute = (minute + 1) * MINUTE_MS - now;
        State s = states.computeIfAbsent(key.keyHash(), h -> new State());
        synchronized (s) {
            roll(s, minute);
            if (key.maxParallelRequests() != null && s.inFlight >= key.maxParallelRequests()) {
                throw limited("max_parallel_requests", key, key.maxParallelRequests() + " parallel requests", 1000);
            }
            if (key.rpmLimit() != null && s.requests >= key.rpmLimit()) {
                throw limited("rpm_limit", key, key.rpmLimit() + " requests per minute", untilNextMinute);
            }
            if (key.tpmLimit() != null && s.tokens >= key.tpmLimit()) {
                throw limited("tpm_limit", key, key.tpmLimit() + " tokens per minute", untilNextMinute);
            }
            s.requests++;
            s.inFlight++;
        }
        AtomicBoolean released = new AtomicBoolean();
        return () -> {
            if (released.compareAndSet(false, true)) {
                synchronized (s) {
                    s.inFlight--;
                }
            }
        };
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

    private static GatewayException limited(String which, KeyInfo key, String limit, long retryAfterMs) {
        return new GatewayException(
                429,
                "rate_limit_error",
                "Rate limit reached for key " + key.label() + ": " + which + " is " + limit
                        + ". Retry after the limit window.",
                null,
                which + "_exceeded",
                false,
                retryAfterMs);
    }
}
