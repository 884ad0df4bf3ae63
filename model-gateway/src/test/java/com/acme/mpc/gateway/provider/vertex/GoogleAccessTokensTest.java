package com.acme.mpc.gateway.provider.vertex;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.acme.mpc.gateway.core.GatewayException;
import com.acme.mpc.gateway.provider.http.UpstreamHttp;
import com.acme.mpc.gateway.testsupport.FakeUpstream;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The token cache against a local token endpoint that verifies each assertion and answers after a delay, on a clock
 * the test moves: reuse, refresh five minutes before expiry, one request shared by concurrent callers, the old token
 * kept while a refresh fails, OAuth2 refusals as authentication errors.
 */
class GoogleAccessTokensTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static Vertx vertx;
    private static UpstreamHttp http;

    private final AtomicLong now =
            new AtomicLong(Instant.parse("2026-12-07T09:00:00Z").toEpochMilli());
    private final AtomicInteger issued = new AtomicInteger();
    private final AtomicReference<String> failWith = new AtomicReference<>();
    private final List<String> jwtProblems = new CopyOnWriteArrayList<>();
    private FakeUpstream endpoint;
    private TestServiceAccounts.Account account;
    private GoogleAccessTokens tokens;

    @BeforeAll
    static void startClient() {
        vertx = Vertx.vertx();
        http = new UpstreamHttp(vertx);
    }

    @AfterAll
    static void stopClient() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get();
    }

    @BeforeEach
    void start() {
        endpoint = new FakeUpstream();
        String tokenUri = endpoint.baseUrl() + "/token";
        account = TestServiceAccounts.create("unit@test-project.iam.gserviceaccount.com", "test-project", tokenUri);
        endpoint.otherwise((req, rec) -> {
            String assertion = URLDecoder.decode(
                    rec.body().substring(rec.body().indexOf("assertion=") + "assertion=".length()),
                    StandardCharsets.UTF_8);
            jwtProblems.addAll(TestServiceAccounts.problems(
                    TestServiceAccounts.decode(assertion, account.keys().getPublic()),
                    account,
                    tokenUri,
                    now.get() / 1000));
            String failure = failWith.get();
            // answered a little later, so that calls made meanwhile find the request in flight
            Vertx.currentContext().owner().setTimer(150, t -> {
                if (failure != null) {
                    FakeUpstream.json(req, failure.contains("invalid_grant") ? 400 : 503, failure);
                } else {
                    FakeUpstream.json(
                            req,
                            200,
                            "{\"access_token\":\"tok-" + issued.incrementAndGet()
                                    + "\",\"expires_in\":3600,\"token_type\":\"Bearer\"}");
                }
            });
        });
        tokens = new GoogleAccessTokens(http, new TestClock());
    }

    @AfterEach
    void stop() {
        assertThat(jwtProblems).isEmpty();
        endpoint.close();
    }

    /** The test's clock: moved by {@link #advance}. */
    private final class TestClock extends Clock {
        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(now.get());
        }
    }

    private String token() {
        return tokens.token(account.json()).await().atMost(WAIT).value();
    }

    /** Waits until the token endpoint has had {@code n} requests and the last one was answered. */
    private void awaitTokenRequests(int n) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (endpoint.requests().size() < n && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(endpoint.requests()).hasSize(n);
        Thread.sleep(400); // the endpoint answers 150 ms after the request
    }

    private void advance(Duration d) {
        now.addAndGet(d.toMillis());
    }

    @Test
    void concurrentCallersShareOneTokenRequest() {
        List<Uni<String>> calls = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            calls.add(tokens.token(account.json()).map(GoogleAccessTokens.AccessToken::value));
        }
        List<String> answers = Uni.join().all(calls).andFailFast().await().atMost(WAIT);
        assertThat(answers).hasSize(8).containsOnly("tok-1");
        assertThat(endpoint.requests()).hasSize(1);
        assertThat(endpoint.lastRequest().path()).isEqualTo("/token");
        assertThat(endpoint.lastRequest().body())
                .startsWith("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=");
    }

    @Test
    void aTokenIsReusedAndRenewedInTheBackgroundFiveMinutesBeforeItExpires() throws Exception {
        assertThat(token()).isEqualTo("tok-1");
        advance(Duration.ofMinutes(54));
        assertThat(token()).isEqualTo("tok-1");
        assertThat(endpoint.requests()).hasSize(1);
        advance(Duration.ofMinutes(2)); // 56 minutes into a 60-minute token: still valid, renewal starts
        assertThat(token()).isEqualTo("tok-1");
        awaitTokenRequests(2);
        assertThat(token()).isEqualTo("tok-2");
        assertThat(endpoint.requests()).hasSize(2);
    }

    @Test
    void aTokenAboutToExpireIsNotHandedOut() {
        assertThat(token()).isEqualTo("tok-1");
        advance(Duration.ofSeconds(3600 - 30)); // 30 seconds left: the caller waits for a new one
        assertThat(token()).isEqualTo("tok-2");
    }

    @Test
    void aFailedRenewalKeepsTheOldTokenUntilItExpires() throws Exception {
        assertThat(token()).isEqualTo("tok-1");
        failWith.set("{\"error\":\"internal_failure\"}");
        advance(Duration.ofMinutes(57));
        assertThat(token()).isEqualTo("tok-1"); // the renewal it starts fails
        awaitTokenRequests(2);
        assertThat(token()).isEqualTo("tok-1");
        advance(Duration.ofMinutes(3)); // expired
        assertThatThrownBy(this::token).isInstanceOfSatisfying(GatewayException.class, e -> {
            assertThat(e.status()).isEqualTo(503);
            assertThat(e.retriable()).isTrue();
        });
        failWith.set(null);
        assertThat(token()).isEqualTo("tok-2");
    }

    @Test
    void aRefusedAssertionIsAnAuthenticationErrorNamingTheAccount() {
        failWith.set("{\"error\":\"invalid_grant\",\"error_description\":\"Invalid JWT Signature.\"}");
        assertThatThrownBy(this::token).isInstanceOfSatisfying(GatewayException.class, e -> {
            assertThat(e.status()).isEqualTo(401);
            assertThat(e.retriable()).isFalse();
            assertThat(e.getMessage())
                    .contains("unit@test-project.iam.gserviceaccount.com")
                    .contains("invalid_grant (Invalid JWT Signature.)")
                    .doesNotContain("PRIVATE");
        });
    }

    @Test
    void anInvalidatedTokenIsFetchedAgain() {
        GoogleAccessTokens.AccessToken first =
                tokens.token(account.json()).await().atMost(WAIT);
        assertThat(first.value()).isEqualTo("tok-1");
        assertThat(first.toString()).doesNotContain("tok-1");
        tokens.invalidate(
                account.json(), new GoogleAccessTokens.AccessToken("tok-other", first.refreshAt(), first.expiresAt()));
        assertThat(token()).isEqualTo("tok-1");
        tokens.invalidate(account.json(), first);
        assertThat(token()).isEqualTo("tok-2");
    }

    @Test
    void aKeyThatCannotSignIsAnAuthenticationError() {
        String broken = account.json()
                .replaceAll("-----BEGIN PRIVATE KEY-----[^\"]*-----END PRIVATE KEY-----\\\\n", "not a key");
        assertThatThrownBy(() -> tokens.token(broken).await().atMost(WAIT))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.status()).isEqualTo(401);
                    assertThat(e.getMessage())
                            .contains("unit@test-project.iam.gserviceaccount.com")
                            .contains("PKCS#8");
                });
        assertThat(endpoint.requests()).isEmpty();
    }
}
