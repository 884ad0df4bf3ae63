package com.acme.mpc.cost.ingest;

import java.time.DateTimeException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * Syntax checks of event fields, written as plain loops: they run for every event of every batch, where
 * regular expressions and DateTimeFormatter cost more than the rest of the validation together.
 */
final class FieldSyntax {
    private FieldSyntax() {}

    /** [0-9a-fA-F]{64}: a SHA-256 in hex. */
    static boolean isHex64(String s) {
        if (s.length() != 64) {
            return false;
        }
        for (int i = 0; i < 64; i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
                return false;
            }
        }
        return true;
    }

    /** [a-z0-9][a-z0-9_.-]{0,63}: a provider name like openai, azure_ai, vertex-ai. */
    static boolean isProviderName(String s) {
        if (s.isEmpty() || s.length() > 64) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok =
                    (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (i > 0 && (c == '_' || c == '.' || c == '-'));
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** [A-Za-z0-9._\-\[\]:]{1,255}: a host name or IP (no scheme, path, port is allowed, no credentials). */
    static boolean isHostName(String s) {
        if (s.isEmpty() || s.length() > 255) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '.'
                    || c == '_'
                    || c == '-'
                    || c == '['
                    || c == ']'
                    || c == ':';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@link OffsetDateTime#parse(CharSequence)}, with a fast path for the form every client sends
     * ({@code 2026-11-28T10:15:30[.123456789](Z|+01:00)}); anything else goes to the JDK parser, so
     * what is accepted and what it means do not change.
     *
     * @throws DateTimeParseException as OffsetDateTime.parse does
     */
    static OffsetDateTime parseTime(String s) {
        OffsetDateTime t = fastTime(s);
        return t != null ? t : OffsetDateTime.parse(s);
    }

    private static OffsetDateTime fastTime(String s) {
        int n = s.length();
        if (n < 20
                || s.charAt(4) != '-'
                || s.charAt(7) != '-'
                || (s.charAt(10) != 'T' && s.charAt(10) != 't')
                || s.charAt(13) != ':'
                || s.charAt(16) != ':') {
            return null;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 2);
        int day = digits(s, 8, 2);
        int hour = digits(s, 11, 2);
        int minute = digits(s, 14, 2);
        int second = digits(s, 17, 2);
        if ((year | month | day | hour | minute | second) < 0) {
            return null;
        }
        int i = 19;
        int nanos = 0;
        if (s.charAt(i) == '.') {
            int start = ++i;
            while (i < n && i - start < 9 && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                nanos = nanos * 10 + (s.charAt(i) - '0');
                i++;
            }
            if (i == start || (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9')) {
                return null; // no digit, or more than 9
            }
            for (int k = i - start; k < 9; k++) {
                nanos *= 10;
            }
        }
        ZoneOffset offset;
        if (i == n - 1 && (s.charAt(i) == 'Z' || s.charAt(i) == 'z')) {
            offset = ZoneOffset.UTC;
        } else if (i == n - 6 && (s.charAt(i) == '+' || s.charAt(i) == '-') && s.charAt(i + 3) == ':') {
            int oh = digits(s, i + 1, 2);
            int om = digits(s, i + 4, 2);
            if (oh < 0 || om < 0 || oh > 18 || om > 59) {
                return null;
            }
            int total = oh * 3600 + om * 60;
            try {
                offset = ZoneOffset.ofTotalSeconds(s.charAt(i) == '-' ? -total : total);
            } catch (DateTimeException e) {
                return null;
            }
        } else {
            return null;
        }
        if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) {
            return null;
        }
        try {
            return OffsetDateTime.of(year, month, day, hour, minute, second, nanos, offset);
        } catch (DateTimeException e) {
            return null; // e.g. February 30: the JDK parser reports it
        }
    }

    /** The non-negative number in s[from, from + count), or -1 if a character is not a digit. */
    private static int digits(String s, int from, int count) {
        int v = 0;
        for (int i = from; i < from + count; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }
}
