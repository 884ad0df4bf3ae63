package com.acme.mpc.gateway.provider.vertex;

import com.acme.mpc.gateway.core.GatewayException;
import com.acme.mpc.gateway.core.Json;
import com.acme.mpc.gateway.provider.auth.RefreshingCredentials;
import com.acme.mpc.gateway.provider.http.UpstreamHttp;
import com.acme.mpc.gateway.provider.http.UpstreamStatusException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smallrye.mutiny.Uni;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

/**
 * OAuth2 access tokens of service accounts (JWT bearer grant), one {@link RefreshingCredentials} per credential: a
 * token is renewed in the background from five minutes before it expires, callers wait only when there is none (or it
 * is about to expire), and concurrent callers share one token request. Non-blocking throughout: the RS256 signature
 * takes about a millisecond, the token request is an async HTTP call.
 */
@ApplicationScoped
public class GoogleAccessTokens {
    static final Duration REFRESH_BEFORE_EXPIRY = Duration.ofMinutes(5);
    private static final Duration TOKEN_REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final UpstreamHttp http;
    private final Clock clock;
    private final ConcurrentHashMap<String, RefreshingCredentials<AccessToken>> tokens = new ConcurrentHashMap<>();

    @Inject
    public GoogleAccessTokens(UpstreamHttp http) {
        this(http, Clock.systemUTC());
    }

    GoogleAccessTokens(UpstreamHttp http, Clock clock) {
        this.http = http;
        this.clock = clock;
    }

    /** An access token and its lifetime as the token endpoint gave it. */
    record AccessToken(String value, Instant refreshAt, Instant expiresAt) implements RefreshingCredentials.Expiring {
        @Override
        public String toString() {
            return "AccessToken[expires " + expiresAt + "]"; // the token itself is a secret
        }
    }

    /** A valid access token for the service account in {@code credentialsJson}. */
    public Uni<AccessToken> token(String credentialsJson) {
        return Uni.createFrom()
                .deferred(() -> tokens.computeIfAbsent(credentialsJson, json -> {
                            ServiceAccount account = ServiceAccount.parse(json);
                            return new RefreshingCredentials<>(
                                    () -> fetch(account), clock, "Google access tokens of " + account.clientEmail());
                        })
                        .get());
    }

    /** Google refused {@code token} (revoked, or expired early): the next call fetches a new one. */
    public void invalidate(String credentialsJson, AccessToken token) {
        RefreshingCredentials<AccessToken> source = tokens.get(credentialsJson);
        if (source != null) {
            source.invalidate(token);
        }
    }

    private Uni<AccessToken> fetch(ServiceAccount account) {
        Instant startedAt = clock.instant();
        String form = "grant_type="
                + URLEncoder.encode("urn:ietf:params:oauth:grant-type:jwt-bearer", StandardCharsets.UTF_8)
                + "&assertion=" + ServiceAccountJwt.assertion(account, startedAt.getEpochSecond());
        MultiMap headers = MultiMap.caseInsensitiveMultiMap()
                .set("content-type", "application/x-www-form-urlencoded")
                .set("accept", "application/json");
        return http.post(URI.create(account.tokenUri()), headers, Buffer.buffer(form), TOKEN_REQUEST_TIMEOUT)
                .map(response -> {
                    ObjectNode answer = Json.objectOrNull(response.body().getBytes());
                    String value =
                            answer == null ? "" : answer.path("access_token").asText("");
                    if (value.isEmpty()) {
                        throw new GatewayException(
                                502,
                                "api_error",
                                "vertex_ai: Google's token endpoint answered without an access_token for service"
                                        + " account " + account.clientEmail(),
                                null,
                                "bad_upstream",
                                true);
                    }
                    long lifetime = Math.max(0, answer.path("expires_in").asLong(ServiceAccountJwt.LIFETIME_SECONDS));
                    Instant expiresAt = startedAt.plusSeconds(lifetime);
                    return new AccessToken(value, expiresAt.minus(REFRESH_BEFORE_EXPIRY), expiresAt);
                })
                .onFailure(UpstreamStatusException.class)
                .transform(e -> GoogleTokenErrors.fromStatus((UpstreamStatusException) e, account));
    }
}
