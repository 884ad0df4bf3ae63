package com.acme.mpc.api.service;

import com.acme.mpc.api.config.MpcApiConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Requests-per-minute limit per client (MPC_API_RATE_LIMIT_RPM, overrides in MPC_API_RATE_LIMITS). Each
 * client has an exact sliding window: a ring of the times of its last {@code rpm} accepted requests. A
 * request is accepted when the oldest of those is more than a minute old, which costs O(1) per request
 * and never lets a burst at a minute boundary double the limit, as a fixed window would.
 */
@ApplicationScoped
public class RateLimiter {

    static final long WINDOW_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final int defaultRpm;
    private final Map<String, Integer> rpmByClient;
    private final ConcurrentHashMap<String, SlidingWindow> windows = new ConcurrentHashMap<>();

    @Inject
    public RateLimiter(MpcApiConfig config) {
        this(
                config.rateLimit().defaultRpm(),
                parse(config.rateLimit().perClient().orElse("")));
    }

    RateLimiter(int defaultRpm, Map<String, Integer> rpmByClient) {
        this.defaultRpm = defaultRpm;
        this.rpmByClient = Map.copyOf(rpmByClient);
    }

    static Map<String, Integer> parse(String spec) {
        Map<String, Integer> result = new HashMap<>();
        for (String entry : spec.split(",")) {
            String e = entry.strip();
            if (e.isEmpty()) {
                continue;
            }
            int colon = e.lastIndexOf(':');
            try {
                int rpm = Integer.parseInt(e.substring(colon + 1).strip());
                if (colon <= 0 || rpm < 0) {
                    throw new NumberFormatException();
                }
                result.put(e.substring(0, colon).strip(), rpm);
            } catch (NumberFormatException | IndexOutOfBoundsException ex) {
                throw new IllegalArgumentException("MPC_API_RATE_LIMITS entry '" + e + "' is not of the form name:rpm");
            }
        }
        return result;
    }

    /** The limit that applies to a client, 0 meaning unlimited. */
    public int rpmOf(String client) {
        return rpmByClient.getOrDefault(client, defaultRpm);
    }

    /**
     * Accepts the request (returns 0) or tells how many seconds the client must wait before the next
     * request would be accepted.
     */
    public long tryAcquire(String client) {
        return tryAcquire(client, System.nanoTime());
    }

    long tryAcquire(String client, long nowNanos) {
        int rpm = rpmOf(client);
        if (rpm <= 0) {
            return 0;
        }
        return windows.computeIfAbsent(client, c -> new SlidingWindow(rpm)).tryAcquire(nowNanos);
    }

    private static final class SlidingWindow {
        private final long[] acceptedAt;
        private int next;
        private int filled;

        SlidingWindow(int rpm) {
            this.acceptedAt = new long[rpm];
        }

        synchronized long tryAcquire(long now) {
            if (filled == acceptedAt.length) {
                long waitNanos = acceptedAt[next] + WINDOW_NANOS - now;
                if (waitNanos > 0) {
                    return Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L);
                }
            } else {
                filled++;
            }
            acceptedAt[next] = now;
            next = (next + 1) % acceptedAt.length;
            return 0;
        }
    }
}
