package com.acme.mpc.gateway.api;

import com.acme.mpc.gateway.config.ConfigHolder;
import com.acme.mpc.gateway.core.GatewayException;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Checks the caller's key ({@code Authorization: Bearer} or {@code x-api-key}) against the master key. Without a
 * master key the gateway is open (local demo), as LiteLLM.
 */
@ApplicationScoped
public class Authenticator {
    private final byte[] masterKey;
    private final String masterKeyHash;

    public Authenticator(ConfigHolder holder) {
        String key = holder.config().masterKey();
        this.masterKey = key == null ? null : key.getBytes(StandardCharsets.UTF_8);
        this.masterKeyHash = key == null ? null : sha256Hex(key);
    }

    public boolean enabled() {
        return masterKey != null;
    }

    public Caller authenticate(HttpServerRequest request) {
        if (masterKey == null) {
            return Caller.ANONYMOUS;
        }
        String presented = presentedKey(request);
        if (presented == null) {
            throw GatewayException.unauthorized(
                    "missing API key: send it as 'Authorization: Bearer <key>' or 'x-api-key: <key>'");
        }
        // constant-time comparison: the master key must not leak through response timing
        if (MessageDigest.isEqual(masterKey, presented.getBytes(StandardCharsets.UTF_8))) {
            return new Caller(masterKeyHash, "master", true);
        }
        throw GatewayException.unauthorized("invalid API key");
    }

    static String presentedKey(HttpServerRequest request) {
        String auth = request.getHeader("authorization");
        if (auth != null) {
            String trimmed = auth.trim();
            if (trimmed.regionMatches(true, 0, "Bearer ", 0, 7)) {
                String key = trimmed.substring(7).trim();
                return key.isEmpty() ? null : key;
            }
            return trimmed.isEmpty() ? null : trimmed;
        }
        String apiKey = request.getHeader("x-api-key");
        return apiKey == null || apiKey.isBlank() ? null : apiKey.trim();
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
