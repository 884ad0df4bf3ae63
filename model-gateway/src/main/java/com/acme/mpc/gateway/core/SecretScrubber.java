package com.acme.mpc.gateway.core;

import java.util.regex.Pattern;

/**
 * Removes credentials from text that came from an upstream (error messages often echo a partial key) before it
 * reaches a client or a log.
 */
public final class SecretScrubber {
    private static final Pattern KEY_LIKE =
            Pattern.compile("(sk-(?:ant-|proj-)?[A-Za-z0-9_\\-*]{6,}|Bearer\\s+[A-Za-z0-9._\\-*]{8,})");

    private SecretScrubber() {}

    public static String scrub(String text, String knownSecret) {
        if (text == null) {
            return null;
        }
        String out = text;
        if (knownSecret != null && knownSecret.length() >= 4) {
            out = out.replace(knownSecret, "***");
        }
        return KEY_LIKE.matcher(out).replaceAll("***");
    }
}
