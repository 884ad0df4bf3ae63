package com.acme.mpc.gateway.usage;

import java.util.ArrayList;
import java.util.List;

/**
 * Normalises the free-text fields of a usage record that clients (or providers) control, so that the record is always
 * one cost-tracker stores: a cosmetic field must never make a billed call unbillable. Control characters (NUL
 * included, which PostgreSQL cannot store) are removed, text is cut to the bound cost-tracker stores, tags beyond
 * {@link #MAX_TAGS} are dropped. The bounds are those of docs/contracts.md (usage events).
 */
public final class UsageFields {
    /** Longest stored user, end_user, key_alias, team_id, model_group, model, deployment_id. */
    public static final int MAX_TEXT = 512;
    /** Longest stored tag. */
    public static final int MAX_TAG = 256;
    /** Most tags stored per event (the first ones, duplicates removed). */
    public static final int MAX_TAGS = 64;
    /** Longest stored error_type. */
    public static final int MAX_ERROR_TYPE = 128;

    private UsageFields() {}

    /**
     * {@code s} without control characters, cut to {@code max} chars (never between the two halves of a surrogate
     * pair); null when nothing is left.
     */
    public static String text(String s, int max) {
        if (s == null) {
            return null;
        }
        if (s.length() <= max && clean(s)) {
            return s.isEmpty() ? null : s;
        }
        StringBuilder out = new StringBuilder(Math.min(s.length(), max));
        for (int i = 0; i < s.length() && out.length() < max; i++) {
            char c = s.charAt(i);
            if (isControl(c)) {
                continue;
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1)) && out.length() + 2 <= max) {
                    out.append(c).append(s.charAt(++i));
                } else if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    break; // the pair does not fit: stop before it
                }
                continue; // a lone surrogate is not text
            }
            if (Character.isLowSurrogate(c)) {
                continue;
            }
            out.append(c);
        }
        return out.isEmpty() ? null : out.toString();
    }

    /** At most {@link #MAX_TAGS} distinct normalised tags, in order; null when none is left. */
    public static List<String> tags(List<String> tags) {
        if (tags == null) {
            return null;
        }
        List<String> out = new ArrayList<>(Math.min(tags.size(), MAX_TAGS));
        for (String t : tags) {
            if (out.size() == MAX_TAGS) {
                break;
            }
            String n = text(t, MAX_TAG);
            if (n != null && !out.contains(n)) {
                out.add(n);
            }
        }
        return out.isEmpty() ? null : List.copyOf(out);
    }

    private static boolean clean(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (isControl(c) || Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    /** C0 controls (NUL, tab, newline...), DEL and C1 controls: never meaningful in a name or tag. */
    private static boolean isControl(char c) {
        return c < 0x20 || (c >= 0x7F && c < 0xA0);
    }
}
