package com.acme.mpc.cost.keys;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** LiteLLM durations: 30s, 30m, 30h, 30d (and 4w). */
public final class Durations {
    private static final Pattern P = Pattern.compile("(\\d{1,9})([smhdw])");

    private Durations() {}

    /** The duration, or null if the text is not one. */
    public static Duration parse(String s) {
        if (s == null) {
            return null;
        }
        Matcher m = P.matcher(s.trim());
        if (!m.matches()) {
            return null;
        }
        long n = Long.parseLong(m.group(1));
        if (n <= 0) {
            return null;
        }
        return switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            default -> Duration.ofDays(7 * n);
        };
    }
}
