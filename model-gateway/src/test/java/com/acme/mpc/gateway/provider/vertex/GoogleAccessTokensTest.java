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
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
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
        InstantSource clock = () -> Instant.ofEpochMilli(now.get());
        tokens = new GoogleAccessTokens(http, clock);
    }

    @AfterEach
    void stop() {
        assertThat(jwtProblems).isEmpty();
        endpoint.close();
    }

    private String token() {
        return tokens.token(account.json()).await().atMost(WAIT);
    }

    private void advance(Duration d) {
        now.addAndGet(d.toMillis());
    }

    @Test
    void concurrentCallersShareOneTokenRequest() {
        List<Uni<String>> calls = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            calls.add(tokens.token(account.json()));
        }
        List<String> answers = Uni.join().all(calls).andFailFast().await().atMost(WAIT);
        assertThat(answers).hasSize(8).containsOnly("tok-1");
        assertThat(endpoint.requests()).hasSize(1);
        assertThat(endpoint.lastRequest().path()).isEqualTo("/token");
        assertThat(endpoint.lastRequest().body())
                .startsWith("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=");
    }

    @Test
    void aTokenIsReusedUntilFiveMinutesBeforeItExpires() {
        assertThat(token()).isEqualTo("tok-1");
        advance(Duration.ofMinutes(54));
        assertThat(token()).isEqualTo("tok-1");
        assertThat(endpoint.requests()).hasSize(1);
        advance(Duration.ofMinutes(2)); // 56 minutes into a 60-minute token
        assertThat(token()).isEqualTo("tok-2");
        assertThat(token()).isEqualTo("tok-2");
        assertThat(endpoint.requests()).hasSize(2);
    }

    @Test
    void aFailedRefreshKeepsTheOldTokenUntilItExpires() {
        assertThat(token()).isEqualTo("tok-1");
        failWith.set("{\"error\":\"internal_failure\"}");
        advance(Duration.ofMinutes(57));
        assertThat(token()).isEqualTo("tok-1");
        advance(Duration.ofMinutes(4)); // expired
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
        assertThat(token()).isEqualTo("tok-1");
        tokens.invalidate(account.json(), "tok-other");
        assertThat(token()).isEqualTo("tok-1");
        tokens.invalidate(account.json(), "tok-1");
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
