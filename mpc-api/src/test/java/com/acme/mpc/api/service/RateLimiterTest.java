package com.acme.mpc.api.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RateLimiterTest {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    @Test
    void shouldAllowRpmRequestsInAnyMinuteAndTellWhenTheNextIsAllowed() {
        RateLimiter limiter = new RateLimiter(0, Map.of("app", 3));
        long t0 = 1_000 * SECOND;
        assertEquals(0, limiter.tryAcquire("app", t0));
        assertEquals(0, limiter.tryAcquire("app", t0 + 10 * SECOND));
        assertEquals(0, limiter.tryAcquire("app", t0 + 20 * SECOND));
        // The oldest of the three leaves the window at t0 + 60s.
        assertEquals(30, limiter.tryAcquire("app", t0 + 30 * SECOND));
        assertEquals(1, limiter.tryAcquire("app", t0 + 60 * SECOND - SECOND / 2));
        assertEquals(0, limiter.tryAcquire("app", t0 + 60 * SECOND));
        // Now the window holds t0+10, t0+20, t0+60.
        assertEquals(10, limiter.tryAcquire("app", t0 + 60 * SECOND));
    }

    @Test
    void shouldNotLetABurstAtAMinuteBoundaryDoubleTheLimit() {
        RateLimiter limiter = new RateLimiter(2, Map.of());
        long t0 = 59 * SECOND;
        assertEquals(0, limiter.tryAcquire("a", t0));
        assertEquals(0, limiter.tryAcquire("a", t0));
        // A fixed window would start afresh at 60s.
        assertEquals(58, limiter.tryAcquire("a", t0 + 2 * SECOND));
    }

    @Test
    void shouldTreatZeroAsUnlimitedAndKeepClientsApart() {
        RateLimiter limiter = new RateLimiter(1, Map.of("batch", 0));
        for (int i = 0; i < 1000; i++) {
            assertEquals(0, limiter.tryAcquire("batch", i));
        }
        assertEquals(0, limiter.tryAcquire("a", 0));
        assertEquals(0, limiter.tryAcquire("b", 0));
        assertEquals(60, limiter.tryAcquire("a", 1));
    }

    @Test
    void shouldParseOverridesAndRejectMalformedOnes() {
        assertEquals(Map.of("app1", 60, "app2", 600), RateLimiter.parse(" app1:60 , app2:600,"));
        assertThrows(IllegalArgumentException.class, () -> RateLimiter.parse("app1=60"));
        assertThrows(IllegalArgumentException.class, () -> RateLimiter.parse("app1:-1"));
        assertThrows(IllegalArgumentException.class, () -> RateLimiter.parse(":60"));
    }
}
