package com.acme.mpc.gateway.provider.vertex;

import com.acme.mpc.gateway.core.GatewayException;
import com.acme.mpc.gateway.core.Json;
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
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.ConcurrentHashMap;

/**
 * OAuth2 access tokens of service accounts (JWT bearer grant), one cache entry per credential. A token is reused until
 * five minutes before it expires; then the next caller starts one refresh that every concurrent caller joins. All of
 * it is non-blocking (the signature takes about a millisecond, the token request is an async HTTP call), so it runs on
 * the event loop. A refresh that fails while the old token is still valid keeps serving the old one.
 */
@ApplicationScoped
public class GoogleAccessTokens {
    static final Duration REFRESH_BEFORE_EXPIRY = Duration.ofMinutes(5);
    private static final Duration TOKEN_REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final UpstreamHttp http;
    private final InstantSource clock;
    private final ConcurrentHashMap<String, Slot> slots = new ConcurrentHashMap<>();

    @Inject
    public GoogleAccessTokens(UpstreamHttp http) {
        this(http, InstantSource.system());
    }

    GoogleAccessTokens(UpstreamHttp http, InstantSource clock) {
        this.http = http;
        this.clock = clock;
    }

    private record AccessToken(String value, long refreshAtMillis, long expiresAtMillis) {}

    /** One credential's current token and its refresh in flight, if any. */
    private static final class Slot {
        final ServiceAccount account;
        volatile AccessToken token;
        private Uni<AccessToken> inflight;

        Slot(ServiceAccount account) {
            this.account = account;
        }

        synchronized Uni<AccessToken> refresh(java.util.function.Supplier<Uni<AccessToken>> fetch) {
            if (inflight == null) {
                inflight = fetch.get()
                        .invoke(t -> token = t)
                        .onTermination()
                        .invoke(this::done)
                        .memoize()
                        .indefinitely();
            }
            return inflight;
        }

        private synchronized void done() {
            inflight = null;
        }

        synchronized void invalidate(String value) {
            AccessToken t = token;
            if (t != null && t.value().equals(value)) {
                token = null;
            }
        }
    }

    /** A valid access token for the service account in {@code credentialsJson}. */
    public Uni<String> token(String credentialsJson) {
        return Uni.createFrom().deferred(() -> {
            Slot slot = slots.computeIfAbsent(credentialsJson, json -> new Slot(ServiceAccount.parse(json)));
            long now = clock.millis();
            AccessToken current = slot.token;
            if (current != null && now < current.refreshAtMillis()) {
                return Uni.createFrom().item(current.value());
            }
            return slot.refresh(() -> fetch(slot.account))
                    .map(AccessToken::value)
                    .onFailure()
                    .recoverWithUni(failure -> {
                        AccessToken stillValid = slot.token;
                        return stillValid != null && clock.millis() < stillValid.expiresAtMillis()
                                ? Uni.createFrom().item(stillValid.value())
                                : Uni.createFrom().failure(failure);
                    });
        });
    }

    /** Google refused {@code token} (revoked, or expired early): the next call fetches a new one. */
    public void invalidate(String credentialsJson, String token) {
        Slot slot = slots.get(credentialsJson);
        if (slot != null) {
            slot.invalidate(token);
        }
    }

    private Uni<AccessToken> fetch(ServiceAccount account) {
        long startedAt = clock.millis();
        String form =
                "grant_type=" + URLEncoder.encode("urn:ietf:params:oauth:grant-type:jwt-bearer", StandardCharsets.UTF_8)
                        + "&assertion=" + ServiceAccountJwt.assertion(account, startedAt / 1000);
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
                    long expiresAt = startedAt + lifetime * 1000;
                    return new AccessToken(value, expiresAt - REFRESH_BEFORE_EXPIRY.toMillis(), expiresAt);
                })
                .onFailure(UpstreamStatusException.class)
                .transform(e -> GoogleTokenErrors.fromStatus((UpstreamStatusException) e, account));
    }
}
