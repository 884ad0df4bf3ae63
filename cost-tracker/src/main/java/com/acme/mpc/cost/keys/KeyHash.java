package com.acme.mpc.cost.keys;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** key_hash = lowercase hex SHA-256 of the UTF-8 key string (docs/contracts.md). */
public final class KeyHash {
    private static final Pattern HASH = Pattern.compile("[0-9a-fA-F]{64}");

    private KeyHash() {}

    public static String of(String key) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static boolean isHash(String s) {
        return s != null && HASH.matcher(s).matches();
    }

    /** A key given either in clear (sk-...) or already hashed, as LiteLLM's endpoints accept both. */
    public static String normalize(String keyOrHash) {
        if (isHash(keyOrHash)) {
            return keyOrHash.toLowerCase();
        }
        return of(keyOrHash);
    }
}
