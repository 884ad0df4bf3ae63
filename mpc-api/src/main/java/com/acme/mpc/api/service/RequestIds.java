package com.acme.mpc.api.service;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/** x-request-id handling: reuse the caller's id when it is sane, else make one. */
public final class RequestIds {

    public static final String HEADER = "x-request-id";
    private static final int MAX_LENGTH = 128;

    private RequestIds() {}

    /** The caller's id if it is 1..128 visible ASCII characters, otherwise a fresh one. */
    public static String reuseOrCreate(String callerId) {
        return isValid(callerId) ? callerId : create();
    }

    static boolean isValid(String id) {
        if (id == null || id.isEmpty() || id.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            // No spaces or control characters: the id travels in headers and log lines.
            if (c <= ' ' || c >= 127) {
                return false;
            }
        }
        return true;
    }

    /** A random UUID; ThreadLocalRandom spares the SecureRandom lock on the hot path (ids need not be secret). */
    static String create() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long msb = (r.nextLong() & ~0xF000L) | 0x4000L;
        long lsb = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb).toString();
    }
}
