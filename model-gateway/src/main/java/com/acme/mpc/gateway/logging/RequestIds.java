package com.acme.mpc.gateway.logging;

import io.vertx.ext.web.RoutingContext;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.jboss.logging.MDC;

/**
 * The {@code x-request-id} of a request: the caller's (mpc-api's) when it is sane, else a fresh one. The same rule as
 * mpc-api and cost-tracker apply, so one id survives every hop. It is put in the MDC under {@value #MDC_KEY}; Quarkus
 * keeps the MDC on the request's Vert.x duplicated context, so every log line of the request carries it, also lines
 * written in callbacks of upstream calls.
 */
public final class RequestIds {
    public static final String HEADER = "x-request-id";
    public static final String MDC_KEY = "requestId";
    private static final String CONTEXT_KEY = "mpc.request-id";
    private static final int MAX_LENGTH = 128;

    private RequestIds() {}

    /** The request's id, settled once per request (also when {@link RequestIdHandler} did not run, e.g. in tests). */
    public static String of(RoutingContext ctx) {
        String id = ctx.get(CONTEXT_KEY);
        if (id == null) {
            id = reuseOrCreate(ctx.request().getHeader(HEADER));
            ctx.put(CONTEXT_KEY, id);
            MDC.put(MDC_KEY, id);
        }
        return id;
    }

    /** The id of the request being served on this Vert.x context, or null outside a request. */
    public static String current() {
        Object id = MDC.get(MDC_KEY);
        return id == null ? null : id.toString();
    }

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

    /** A random UUID; ThreadLocalRandom spares SecureRandom's lock on the hot path (ids need not be secret). */
    static String create() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long msb = (r.nextLong() & ~0xF000L) | 0x4000L;
        long lsb = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb).toString();
    }
}
