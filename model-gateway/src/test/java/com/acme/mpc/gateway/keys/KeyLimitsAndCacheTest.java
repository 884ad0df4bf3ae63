package com.acme.mpc.gateway.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.acme.mpc.gateway.core.GatewayException;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class KeyLimitsAndCacheTest {
    private static KeyInfo key(Integer rpm, Integer tpm, Integer parallel) {
        return new KeyInfo(
                "ab".repeat(32), "alias", null, null, List.of(), null, null, null, false, rpm, tpm, parallel, false);
    }

    @Test
    void rpmWindowResetsAtTheNextMinuteAndRetryAfterPointsThere() {
        AtomicLong now = new AtomicLong(Duration.ofMinutes(1000).toMillis() + 45_000); // 45 s into a minute
        KeyLimits limits = new KeyLimits(now::get);
        KeyInfo k = key(2, null, null);
        limits.admit(k).release();
        limits.admit(k).release();
        assertThatThrownBy(() -> limits.admit(k)).isInstanceOfSatisfying(GatewayException.class, e -> {
            assertThat(e.status()).isEqualTo(429);
            assertThat(e.retryAfterMillis()).isEqualTo(15_000);
            assertThat(e.getMessage()).contains("alias").doesNotContain("abab");
        });
        now.addAndGet(15_000);
        limits.admit(k).release();
    }

    @Test
    void parallelSlotsAreGivenBackOnceEach() {
        KeyLimits limits = new KeyLimits(() -> 0);
        KeyInfo k = key(null, null, 2);
        KeyLimits.Slot a = limits.admit(k);
        KeyLimits.Slot b = limits.admit(k);
        assertThatThrownBy(() -> limits.admit(k)).isInstanceOf(GatewayException.class);
        a.release();
        a.release(); // a second release must not free b's slot too
        KeyLimits.Slot c = limits.admit(k);
        assertThatThrownBy(() -> limits.admit(k)).isInstanceOf(GatewayException.class);
        b.release();
        c.release();
    }

    @Test
    void tpmCountsFinishedTokensInTheCurrentMinute() {
        AtomicLong now = new AtomicLong(0);
        KeyLimits limits = new KeyLimits(now::get);
        KeyInfo k = key(null, 100, null);
        limits.admit(k).release();
        limits.countTokens(k.keyHash(), 99);
        limits.admit(k).release();
        limits.countTokens(k.keyHash(), 1);
        assertThatThrownBy(() -> limits.admit(k)).isInstanceOf(GatewayException.class);
        now.set(60_000);
        limits.admit(k).release();
    }

    @Test
    void cacheSharesConcurrentLookupsAndServesStaleWhileCostTrackerIsDown() {
        AtomicLong clock = new AtomicLong(0);
        AtomicInteger calls = new AtomicInteger();
        CompletableFuture<Optional<KeyInfo>> pending = new CompletableFuture<>();
        AtomicInteger mode = new AtomicInteger(); // 0: pending future, 1: fail
        KeyCache cache = new KeyCache(
                h -> {
                    calls.incrementAndGet();
                    return mode.get() == 0
                            ? Uni.createFrom().completionStage(pending)
                            : Uni.createFrom().failure(new IllegalStateException("down"));
                },
                Duration.ofSeconds(5).toNanos(),
                Duration.ofMinutes(10).toNanos(),
                clock::get);
        KeyInfo k = key(null, null, null);
        CompletableFuture<Optional<KeyInfo>> a = cache.get("h").subscribeAsCompletionStage();
        CompletableFuture<Optional<KeyInfo>> b = cache.get("h").subscribeAsCompletionStage();
        pending.complete(Optional.of(k));
        assertThat(a.join()).contains(k);
        assertThat(b.join()).contains(k);
        assertThat(calls.get()).isEqualTo(1);
        // fresh: no call
        assertThat(cache.get("h").await().indefinitely()).contains(k);
        assertThat(calls.get()).isEqualTo(1);
        // expired and cost-tracker down: the stale answer is used
        clock.addAndGet(Duration.ofSeconds(6).toNanos());
        mode.set(1);
        assertThat(cache.get("h").await().indefinitely()).contains(k);
        assertThat(calls.get()).isEqualTo(2);
        // too stale: the failure reaches the caller
        clock.addAndGet(Duration.ofMinutes(11).toNanos());
        assertThatThrownBy(() -> cache.get("h").await().indefinitely()).hasMessageContaining("down");
        // a key never seen and cost-tracker down: failure
        assertThatThrownBy(() -> cache.get("other").await().indefinitely()).hasMessageContaining("down");
    }
}
