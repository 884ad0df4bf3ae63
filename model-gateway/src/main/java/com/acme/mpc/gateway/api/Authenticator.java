package com.acme.mpc.gateway.api;

import com.acme.mpc.gateway.config.ConfigHolder;
import com.acme.mpc.gateway.core.GatewayException;
import com.acme.mpc.gateway.keys.KeyCache;
import com.acme.mpc.gateway.keys.KeyInfo;
import com.acme.mpc.gateway.usage.CostTrackerSettings;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;

/**
 * Checks the caller's key ({@code Authorization: Bearer} or {@code x-api-key}): the master key, or (with
 * cost-tracker configured) a virtual key looked up by its SHA-256 through {@link KeyCache}. Without a master key the
 * gateway is open (local demo), as LiteLLM.
 */
@ApplicationScoped
public class Authenticator {
    private final byte[] masterKey;
    private final String masterKeyHash;
    private final KeyCache keys;

    public Authenticator(ConfigHolder holder, CostTrackerSettings costTracker, KeyCache keys) {
        String key = holder.config().masterKey();
        this.masterKey = key == null ? null : key.getBytes(StandardCharsets.UTF_8);
        this.masterKeyHash = key == null ? null : sha256Hex(key);
        this.keys = costTracker.url().isPresent() ? keys : null;
    }

    public boolean enabled() {
        return masterKey != null;
    }

    /** Whether keys other than the master key are accepted (cost-tracker configured). */
    public boolean virtualKeysEnabled() {
        return masterKey != null && keys != null;
    }

    /**
     * The master key or a virtual key; never blocks (a virtual key is looked up through the cache). Fails with 401 for
     * a missing, unknown, blocked or expired key, 503 when cost-tracker cannot be asked and the key is not cached.
     */
    public Uni<Caller> authenticateAsync(HttpServerRequest request) {
        if (masterKey == null) {
            return Uni.createFrom().item(Caller.ANONYMOUS);
        }
        String presented = presentedKey(request);
        if (presented == null) {
            return Uni.createFrom().failure(missingKey());
        }
        if (MessageDigest.isEqual(masterKey, presented.getBytes(StandardCharsets.UTF_8))) {
            return Uni.createFrom().item(new Caller(masterKeyHash, "master", true));
        }
        if (keys == null) {
            return Uni.createFrom().failure(GatewayException.unauthorized("invalid API key"));
        }
        return keys.get(sha256Hex(presented)).map(found -> {
            KeyInfo key = found.orElseThrow(() -> GatewayException.unauthorized("invalid API key"));
            if (key.blocked()) {
                throw GatewayException.unauthorized("key is blocked: " + key.label());
            }
            if (key.expiredAt(Instant.now())) {
                throw GatewayException.unauthorized("key expired: " + key.label() + " expired at " + key.expires());
            }
            return Caller.of(key);
        });
    }

    /** The master key only (synchronous); a virtual key needs {@link #authenticateAsync}. */
    public Caller authenticate(HttpServerRequest request) {
        if (masterKey == null) {
            return Caller.ANONYMOUS;
        }
        String presented = presentedKey(request);
        if (presented == null) {
            throw missingKey();
        }
        // constant-time comparison: the master key must not leak through response timing
        if (MessageDigest.isEqual(masterKey, presented.getBytes(StandardCharsets.UTF_8))) {
            return new Caller(masterKeyHash, "master", true);
        }
        throw GatewayException.unauthorized("invalid API key");
    }

    private static GatewayException missingKey() {
        return GatewayException.unauthorized(
                "missing API key: send it as 'Authorization: Bearer <key>' or 'x-api-key: <key>'");
    }

    private static final String[] KEY_HEADERS = {"x-api-key", "api-key", "x-litellm-api-key"};

    public static String presentedKey(HttpServerRequest request) {
        String auth = request.getHeader("authorization");
        if (auth != null) {
            String trimmed = auth.trim();
            if (trimmed.regionMatches(true, 0, "Bearer ", 0, 7)) {
                String key = trimmed.substring(7).trim();
                return key.isEmpty() ? null : key;
            }
            return trimmed.isEmpty() ? null : trimmed;
        }
        // LiteLLM also accepts api-key (Azure OpenAI clients) and x-litellm-api-key
        for (String header : KEY_HEADERS) {
            String apiKey = request.getHeader(header);
            if (apiKey != null && !apiKey.isBlank()) {
                return apiKey.trim();
            }
        }
        return null;
    }

    public static String sha256Hex(String key) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
