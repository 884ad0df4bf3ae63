package com.acme.mpc.gateway.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.acme.mpc.gateway.cache.RedisLink;
import com.acme.mpc.gateway.core.GatewayException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Response;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two gateway replicas' key limits (two {@link KeyLimits}, each with its own Redis connection) against the real Redis
 * at 127.0.0.1:6379: a key's and a team's rpm/tpm/parallel limits hold across both together. Everything lives under a
 * random namespace that is deleted afterwards.
 */
class KeyLimitsSharedThroughRedisTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String NS = "mpc-test-limits-" + UUID.randomUUID();
    private static Vertx vertx;
    private static RedisLink linkA;
    private static RedisLink linkB;

    /** Skips the test when Redis is not running, unless CI_STRICT=true (then it must be there). */
    static void assumeRedis() {
        boolean reachable;
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", 6379), 500);
            reachable = true;
        } catch (Exception e) {
            reachable = false;
        }
        assumeTrue(reachable || "true".equals(System.getenv("CI_STRICT")), "Redis at 127.0.0.1:6379 is not reachable");
    }

    @BeforeAll
    static void redis() {
        assumeRedis();
        vertx = Vertx.vertx();
        linkA = new RedisLink(vertx, "replica-a", "127.0.0.1", 6379, null, null);
        linkB = new RedisLink(vertx, "replica-b", "127.0.0.1", 6379, null, null);
        for (RedisLink l : List.of(linkA, linkB)) {
            // the first command also opens the connection; on a busy machine that can exceed one command timeout
            l.call(api -> api.ping(List.of()))
                    .onFailure()
                    .retry()
                    .withBackOff(Duration.ofMillis(200))
                    .atMost(10)
                    .await()
                    .atMost(Duration.ofSeconds(30));
        }
    }

    @AfterAll
    static void cleanUp() {
        if (linkA == null) {
            return;
        }
        Response keys = linkA.call(api -> api.keys(NS + "*")).await().atMost(WAIT);
        List<String> names = new ArrayList<>();
        keys.forEach(k -> names.add(k.toString()));
        if (!names.isEmpty()) {
            linkA.call(api -> api.del(names)).await().atMost(WAIT);
        }
        linkA.close();
        linkB.close();
        vertx.closeAndAwait();
    }

    private static KeyLimits replica(RedisLink link, AtomicLong clock) {
        return new KeyLimits(clock::get, new SharedKeyLimits(link, NS), List.of(new SimpleMeterRegistry()));
    }

    private static KeyInfo key(String alias, Integer rpm, Integer tpm, Integer parallel, KeyInfo.Team team) {
        String hash = UUID.randomUUID().toString().replace("-", "") + "0".repeat(32);
        return new KeyInfo(
                hash,
                alias,
                null,
                team == null ? null : team.teamId(),
                List.of(),
                null,
                null,
                null,
                false,
                rpm,
                tpm,
                parallel,
                false,
                Map.of(),
                team);
    }

    /** 10 s into a minute, so a test does not straddle a window boundary. */
    private static AtomicLong clock() {
        long now = System.currentTimeMillis();
        return new AtomicLong((now / 60_000) * 60_000 + 10_000);
    }

    private static Uni<Object> attempt(KeyLimits l, KeyInfo k) {
        return l.admitShared(k)
                .map(s -> (Object) s)
                .onFailure(GatewayException.class)
                .recoverWithItem(e -> e);
    }

    @Test
    void aKeysRpmHoldsAcrossTwoReplicasWithLiteLlmsMessage() {
        AtomicLong clock = clock();
        KeyLimits a = replica(linkA, clock);
        KeyLimits b = replica(linkB, clock);
        KeyInfo k = key("shared-app", 3, null, null, null);
        List<Uni<Object>> attempts = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            attempts.add(attempt(a, k));
            attempts.add(attempt(b, k));
        }
        List<Object> results = Uni.join().all(attempts).andFailFast().await().atMost(WAIT);
        // each replica alone would admit 3; together they admit 3, the key's limit
        assertThat(results.stream().filter(r -> r instanceof KeyLimits.Slot)).hasSize(3);
        List<GatewayException> refused = results.stream()
                .filter(r -> r instanceof GatewayException)
                .map(r -> (GatewayException) r)
                .toList();
        assertThat(refused).hasSize(5).allSatisfy(e -> {
            assertThat(e.status()).isEqualTo(429);
            assertThat(e.type()).isEqualTo("rate_limit_error");
            assertThat(e.code()).isEqualTo("rpm_limit_exceeded");
            assertThat(e.getMessage())
                    .startsWith("LiteLLM Rate Limit Handler for rate limit type = key. Crossed TPM / RPM / Max"
                            + " Parallel Request Limit. current rpm: 3, rpm limit: 3, current tpm: 0, tpm limit: None")
                    .contains("shared-app")
                    .doesNotContain(k.keyHash());
            assertThat(e.retryAfterMillis()).isEqualTo(50_000);
        });
        // the next minute opens a new window on both
        clock.addAndGet(60_000);
        assertThat(attempt(b, k).await().atMost(WAIT)).isInstanceOf(KeyLimits.Slot.class);
    }

    @Test
    void aTeamsParallelLimitIsSharedAndSlotsComeBackOnRelease() {
        AtomicLong clock = clock();
        KeyLimits a = replica(linkA, clock);
        KeyLimits b = replica(linkB, clock);
        KeyInfo.Team team = new KeyInfo.Team("team-" + UUID.randomUUID(), List.of(), null, null, 2);
        KeyInfo k1 = key("one", null, null, null, team);
        KeyInfo k2 = key("two", null, null, null, team);
        KeyLimits.Slot first = a.admitShared(k1).await().atMost(WAIT);
        KeyLimits.Slot second = b.admitShared(k2).await().atMost(WAIT);
        assertThatThrownBy(() -> a.admitShared(k2).await().atMost(WAIT))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.code()).isEqualTo("max_parallel_requests_exceeded");
                    assertThat(e.getMessage())
                            .startsWith("LiteLLM Rate Limit Handler for rate limit type = team.")
                            .contains("current max_parallel_requests: 2, max_parallel_requests: 2")
                            .contains(team.teamId());
                });
        first.release();
        first.release(); // a second release must not free the other call's slot
        KeyLimits.Slot third = awaitAdmitted(b, k1);
        assertThatThrownBy(() -> a.admitShared(k1).await().atMost(WAIT)).isInstanceOf(GatewayException.class);
        second.release();
        third.release();
    }

    @Test
    void aSlotWhoseReplicaDiedLeavesTheCountWhenItsLeaseEnds() {
        AtomicLong clock = clock();
        KeyLimits a = replica(linkA, clock);
        KeyLimits b = replica(linkB, clock);
        KeyInfo k = key("crashy", null, null, 1, null);
        a.admitShared(k).await().atMost(WAIT); // never released: replica a "dies"
        assertThatThrownBy(() -> b.admitShared(k).await().atMost(WAIT)).isInstanceOf(GatewayException.class);
        clock.addAndGet(SharedKeyLimits.PARALLEL_LEASE_MS + 1);
        assertThat(attempt(b, k).await().atMost(WAIT)).isInstanceOf(KeyLimits.Slot.class);
    }

    @Test
    void aTeamsTpmCountsTokensFinishedOnEitherReplica() {
        AtomicLong clock = clock();
        KeyLimits a = replica(linkA, clock);
        KeyLimits b = replica(linkB, clock);
        KeyInfo.Team team = new KeyInfo.Team("team-" + UUID.randomUUID(), List.of(), null, 100, null);
        KeyInfo k1 = key("one", null, null, null, team);
        KeyInfo k2 = key("two", null, null, null, team);
        a.admitShared(k1).await().atMost(WAIT).release();
        b.admitShared(k2).await().atMost(WAIT).release();
        a.countTokens(k1.keyHash(), team.teamId(), 60);
        b.countTokens(k2.keyHash(), team.teamId(), 40);
        // token counts are fire-and-forget: wait until both have landed
        long deadline = System.nanoTime() + WAIT.toNanos();
        Object last = null;
        while (System.nanoTime() < deadline) {
            last = attempt(a, k1).await().atMost(WAIT);
            if (last instanceof GatewayException) {
                break;
            }
            ((KeyLimits.Slot) last).release();
        }
        assertThat(last).isInstanceOfSatisfying(GatewayException.class, e -> {
            assertThat(e.code()).isEqualTo("tpm_limit_exceeded");
            assertThat(e.getMessage())
                    .contains("current tpm: 100, tpm limit: 100")
                    .contains(team.teamId());
        });
        // the team's limit refuses its other key on the other replica too
        assertThat(attempt(b, k2).await().atMost(WAIT)).isInstanceOf(GatewayException.class);
        // a key of no team is not affected
        assertThat(attempt(b, key("free", null, 100, null, null)).await().atMost(WAIT))
                .isInstanceOf(KeyLimits.Slot.class);
    }

    @Test
    void aTeamRefusalDoesNotCountAgainstTheKey() {
        AtomicLong clock = clock();
        KeyLimits a = replica(linkA, clock);
        KeyInfo.Team team = new KeyInfo.Team("team-" + UUID.randomUUID(), List.of(), 1, null, null);
        KeyInfo k = key("counted", 2, null, null, team);
        a.admitShared(k).await().atMost(WAIT).release();
        assertThatThrownBy(() -> a.admitShared(k).await().atMost(WAIT))
                .isInstanceOfSatisfying(
                        GatewayException.class, e -> assertThat(e.getMessage()).contains("type = team"));
        // the key alone (another team-less copy of it) still has one call of its 2 left this minute
        KeyInfo alone = new KeyInfo(
                k.keyHash(), "counted", null, null, List.of(), null, null, null, false, 2, null, null, false);
        assertThat(attempt(a, alone).await().atMost(WAIT)).isInstanceOf(KeyLimits.Slot.class);
        assertThat(attempt(a, alone).await().atMost(WAIT)).isInstanceOf(GatewayException.class);
    }

    @Test
    void withRedisDownCallsFailOpenToThisReplicasOwnCounts() {
        RedisLink down = new RedisLink(vertx, "down", "127.0.0.1", 1, null, null);
        try {
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            KeyLimits l = new KeyLimits(System::currentTimeMillis, new SharedKeyLimits(down, NS), List.of(registry));
            KeyInfo k = key("offline", 2, null, null, null);
            // the first call finds the link up, waits for the failed command and is admitted on local counts
            assertThat(l.admitShared(k).await().atMost(WAIT)).isNotNull();
            assertThat(down.up()).isFalse();
            assertThat(l.admitShared(k).await().atMost(WAIT)).isNotNull();
            // this replica still applies the limit on its own
            assertThatThrownBy(() -> l.admitShared(k).await().atMost(WAIT))
                    .isInstanceOfSatisfying(
                            GatewayException.class, e -> assertThat(e.status()).isEqualTo(429));
            assertThat(registry.get("gateway_key_limits_redis_fallbacks")
                            .counter()
                            .count())
                    .isEqualTo(3.0);
        } finally {
            down.close();
        }
    }

    private static KeyLimits.Slot awaitAdmitted(KeyLimits l, KeyInfo k) {
        // a release is fire-and-forget: retry until it has reached Redis
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            Object r = attempt(l, k).await().atMost(WAIT);
            if (r instanceof KeyLimits.Slot s) {
                return s;
            }
            if (System.nanoTime() > deadline) {
                throw (GatewayException) r;
            }
        }
    }
}
