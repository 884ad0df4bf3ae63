package com.acme.mpc.gateway.core;

/**
 * What a media call is billed by, besides tokens: images made (with the quality and size they were asked for),
 * seconds of audio, characters of speech input, rerank searches.
 */
public record Metered(long images, String quality, String size, double seconds, long characters, long queries) {
    public static final Metered NONE = new Metered(0, null, null, 0, 0, 0);

    public static Metered images(long n, String quality, String size) {
        return new Metered(n, quality, size, 0, 0, 0);
    }

    public static Metered seconds(double s) {
        return new Metered(0, null, null, s, 0, 0);
    }

    public static Metered characters(long n) {
        return new Metered(0, null, null, 0, n, 0);
    }

    public static Metered queries(long n) {
        return new Metered(0, null, null, 0, 0, n);
    }
}
