package com.acme.mpc.cost.ingest;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;

/**
 * The events of one batch as rows of PostgreSQL's COPY text format (UTF-8, tab-separated, {@code \N}
 * for null), in the column order of {@link EventStore#COLUMNS}. Built by the request thread, so that
 * the single writer only copies bytes; {@link #end(int)} tells where each event's row ends, so that
 * the writer can leave out duplicates.
 */
final class CopyRows {
    private byte[] buf;
    private int len;
    private final int[] ends;
    private int rows;

    private CopyRows(int events) {
        buf = new byte[Math.max(256, events * 384)];
        ends = new int[events];
    }

    static CopyRows of(List<UsageEvent> events) {
        CopyRows r = new CopyRows(events.size());
        for (UsageEvent e : events) {
            r.add(e);
        }
        return r;
    }

    byte[] bytes() {
        return buf;
    }

    int length() {
        return len;
    }

    /** End (exclusive) of row i; row i starts at {@code i == 0 ? 0 : end(i - 1)}. */
    int end(int i) {
        return ends[i];
    }

    int start(int i) {
        return i == 0 ? 0 : ends[i - 1];
    }

    private void add(UsageEvent e) {
        text(e.requestId());
        tab();
        text(e.callType());
        tab();
        time(e.startTime());
        tab();
        time(e.firstTokenTime());
        tab();
        time(e.endTime());
        tab();
        text(e.keyHash());
        tab();
        text(e.keyAlias());
        tab();
        text(e.user());
        tab();
        text(e.teamId());
        tab();
        text(e.endUser());
        tab();
        tags(e.tags());
        tab();
        text(e.modelGroup());
        tab();
        text(e.model());
        tab();
        text(e.deploymentId());
        tab();
        text(e.provider());
        tab();
        text(e.apiBaseHost());
        tab();
        num(e.promptTokens());
        tab();
        num(e.completionTokens());
        tab();
        num(e.cachedReadTokens());
        tab();
        num(e.cacheCreationTokens());
        tab();
        num(e.reasoningTokens());
        tab();
        decimal(e.costUsd());
        tab();
        text(e.costSource());
        tab();
        decimal(e.gatewayCostUsd());
        tab();
        num(e.latencyMs());
        tab();
        num(e.ttftMs());
        tab();
        text(e.status());
        tab();
        num(e.httpStatus());
        tab();
        text(e.errorType());
        tab();
        bool(e.cacheHit());
        tab();
        bool(e.stream());
        tab();
        text(e.clientRequestId());
        tab();
        bool(e.incomplete());
        put((byte) '\n');
        ends[rows++] = len;
    }

    private void tab() {
        put((byte) '\t');
    }

    private void nul() {
        put((byte) '\\');
        put((byte) 'N');
    }

    private void bool(boolean b) {
        put((byte) (b ? 't' : 'f'));
    }

    private void num(Integer v) {
        if (v == null) {
            nul();
        } else {
            ascii(Integer.toString(v));
        }
    }

    private void decimal(BigDecimal v) {
        if (v == null) {
            nul();
        } else {
            ascii(v.toPlainString());
        }
    }

    /** A text value: backslash, tab, newline and carriage return escaped as COPY text requires. */
    private void text(String s) {
        if (s == null) {
            nul();
            return;
        }
        int n = s.length();
        ensure(n * 3 + 8);
        if (plain(s)) {
            latin1(s, n);
            return;
        }
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> {
                    buf[len++] = '\\';
                    buf[len++] = '\\';
                }
                case '\t' -> {
                    buf[len++] = '\\';
                    buf[len++] = 't';
                }
                case '\n' -> {
                    buf[len++] = '\\';
                    buf[len++] = 'n';
                }
                case '\r' -> {
                    buf[len++] = '\\';
                    buf[len++] = 'r';
                }
                default -> {
                    if (c < 0x80) {
                        buf[len++] = (byte) c;
                    } else {
                        i = utf8(s, i);
                    }
                }
            }
        }
    }

    /** True when every char is printable ASCII other than backslash: the bytes go out as they are. */
    private static boolean plain(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c >= 0x7F || c == '\\') {
                return false;
            }
        }
        return true;
    }

    /** Copies an all-ASCII string: the JDK copies its internal Latin-1 bytes in one go. */
    @SuppressWarnings("deprecation")
    private void latin1(String s, int n) {
        s.getBytes(0, n, buf, len);
        len += n;
    }

    /** Encodes the non-ASCII char at i (and its low surrogate) as UTF-8; returns the last index used. */
    private int utf8(String s, int i) {
        int cp = s.codePointAt(i);
        if (cp < 0x800) {
            buf[len++] = (byte) (0xC0 | (cp >> 6));
            buf[len++] = (byte) (0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            if (Character.isSurrogate((char) cp)) {
                cp = 0xFFFD; // a lone surrogate is not valid UTF-8; PostgreSQL would reject the row
            }
            buf[len++] = (byte) (0xE0 | (cp >> 12));
            buf[len++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
            buf[len++] = (byte) (0x80 | (cp & 0x3F));
        } else {
            buf[len++] = (byte) (0xF0 | (cp >> 18));
            buf[len++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
            buf[len++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
            buf[len++] = (byte) (0x80 | (cp & 0x3F));
            return i + 1;
        }
        return i;
    }

    /** A text[] value: an array literal of double-quoted elements, then escaped as COPY text. */
    private void tags(List<String> tags) {
        if (tags == null) {
            nul();
            return;
        }
        StringBuilder sb = new StringBuilder(16 * tags.size() + 2).append('{');
        for (int i = 0; i < tags.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append('"');
            String t = tags.get(i);
            for (int j = 0; j < t.length(); j++) {
                char c = t.charAt(j);
                if (c == '"' || c == '\\') {
                    sb.append('\\');
                }
                sb.append(c);
            }
            sb.append('"');
        }
        text(sb.append('}').toString());
    }

    /**
     * RFC 3339 with the event's own offset and full precision (PostgreSQL rounds to microseconds), written
     * by hand: DateTimeFormatter costs a microsecond per value, three values per event.
     */
    private void time(OffsetDateTime t) {
        if (t == null) {
            nul();
            return;
        }
        int year = t.getYear();
        if (year < 1 || year > 9999) {
            ascii(t.toString());
            return;
        }
        ensure(40);
        digits(year, 4);
        buf[len++] = '-';
        digits(t.getMonthValue(), 2);
        buf[len++] = '-';
        digits(t.getDayOfMonth(), 2);
        buf[len++] = 'T';
        digits(t.getHour(), 2);
        buf[len++] = ':';
        digits(t.getMinute(), 2);
        buf[len++] = ':';
        digits(t.getSecond(), 2);
        int nanos = t.getNano();
        if (nanos != 0) {
            buf[len++] = '.';
            digits(nanos, 9);
        }
        int offset = t.getOffset().getTotalSeconds();
        buf[len++] = (byte) (offset < 0 ? '-' : '+');
        offset = Math.abs(offset);
        digits(offset / 3600, 2);
        buf[len++] = ':';
        digits((offset / 60) % 60, 2);
        if (offset % 60 != 0) {
            buf[len++] = ':';
            digits(offset % 60, 2);
        }
    }

    private void digits(int v, int width) {
        for (int i = len + width - 1; i >= len; i--) {
            buf[i] = (byte) ('0' + v % 10);
            v /= 10;
        }
        len += width;
    }

    private void ascii(String s) {
        ensure(s.length());
        latin1(s, s.length());
    }

    private void put(byte b) {
        ensure(1);
        buf[len++] = b;
    }

    private void ensure(int more) {
        if (len + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
        }
    }
}
