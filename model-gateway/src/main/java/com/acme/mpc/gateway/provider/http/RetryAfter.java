package com.acme.mpc.gateway.provider.http;

import io.vertx.core.MultiMap;

/** Reads the upstream's back-off hint: {@code retry-after-ms}, else {@code retry-after} in seconds. */
public final class RetryAfter {
    private RetryAfter() {}

    /** Milliseconds to wait, or -1 when the headers give no usable hint. */
    public static long millis(MultiMap headers) {
        if (headers == null) {
            return -1;
        }
        try {
            String ms = headers.get("retry-after-ms");
            if (ms != null) {
                return Math.max(0, (long) Double.parseDouble(ms.trim()));
            }
            String s = headers.get("retry-after");
            if (s != null) {
                return Math.max(0, (long) (Double.parseDouble(s.trim()) * 1000));
            }
        } catch (NumberFormatException e) {
            // an HTTP-date retry-after is rare from model providers; treat it as no hint
        }
        return -1;
    }
}
