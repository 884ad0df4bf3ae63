package com.acme.mpc.gateway.api;

import com.acme.mpc.gateway.keys.KeyInfo;

/**
 * Who is calling: identified by the hash of the key they presented (see docs/contracts.md, Key hashing). The raw key
 * is never kept. {@code key} is the virtual key's record (null for the master key and an open gateway).
 */
public record Caller(String keyHash, String keyAlias, boolean master, String userId, String teamId, KeyInfo key) {
    public static final Caller ANONYMOUS = new Caller(null, null, false);

    /** Where the authenticated caller is kept in the Vert.x routing context. */
    public static final String CONTEXT_KEY = "gateway.caller";

    public Caller(String keyHash, String keyAlias, boolean master) {
        this(keyHash, keyAlias, master, null, null, null);
    }

    public static Caller of(KeyInfo key) {
        return new Caller(key.keyHash(), key.keyAlias(), false, key.userId(), key.teamId(), key);
    }
}
