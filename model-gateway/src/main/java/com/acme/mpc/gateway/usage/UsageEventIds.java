package com.acme.mpc.gateway.usage;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The gateway's own id of one answered call: the usage event's {@code request_id} (cost-tracker's idempotency key) and
 * the budget reservation's id. Never taken from the client: a client that reuses its {@code x-request-id} must not
 * merge its calls into one billed event, nor collide with another key's calls.
 *
 * <p>A UUIDv7 (RFC 9562): 48 bits of Unix milliseconds then 74 random bits, so ids sort by creation time (cheap
 * inserts into cost-tracker's primary key index) and never repeat across restarts or replicas. ThreadLocalRandom spares
 * SecureRandom's lock on the hot path: the ids must be unique, not secret.
 */
public final class UsageEventIds {
    private UsageEventIds() {}

    public static String create() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long msb = (System.currentTimeMillis() << 16) | 0x7000L | (r.nextLong() & 0x0FFFL);
        long lsb = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb).toString();
    }
}
