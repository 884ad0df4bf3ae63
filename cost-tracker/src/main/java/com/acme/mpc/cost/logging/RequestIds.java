package com.acme.mpc.cost.logging;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/** x-request-id handling, the same rule as mpc-api and model-gateway: reuse the caller's id when it is sane. */
public final class RequestIds {
    public static final String HEADER = "x-request-id";
    public static final String MDC_KEY = "requestId";
    private static final int MAX_LENGTH = 128;

    private RequestIds() {}

    public static String reuseOrCreate(String callerId) {
        return isValid(callerId) ? callerId : create();
    }

    /** 1..128 visible ASCII characters: no spaces or control characters, which could forge log lines. */
    public static boolean isValid(String id) {
        if (id == null || id.isEmpty() || id.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (c <= ' ' || c >= 127) {
                return false;
            }
        }
        return true;
    }

    static String create() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long msb = (r.nextLong() & ~0xF000L) | 0x4000L;
        long lsb = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb).toString();
    }
}
