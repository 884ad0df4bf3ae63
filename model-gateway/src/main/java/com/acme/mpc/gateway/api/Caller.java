package com.acme.mpc.gateway.api;

/**
 * Who is calling: identified by the hash of the key they presented (see docs/contracts.md, Key hashing). The raw key
 * is never kept.
 */
public record Caller(String keyHash, String keyAlias, boolean master) {
    public static final Caller ANONYMOUS = new Caller(null, null, false);
}
