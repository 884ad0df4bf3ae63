package com.acme.mpc.gateway.provider.http;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Incremental SSE parser (WHATWG event-stream rules) fed with network chunks in arrival order. Lines are split on
 * bytes, so a chunk boundary inside a multi-byte UTF-8 character or inside a line is harmless. One instance per
 * stream.
 *
 * <p>It runs for every byte of every relayed stream, so it scans whole chunks for line ends and decodes only field
 * values; bytes are copied only when a line spans two chunks.
 */
public final class SseParser {
    private static final byte[] DATA = {'d', 'a', 't', 'a'};
    private static final byte[] EVENT = {'e', 'v', 'e', 'n', 't'};

    private final Consumer<SseEvent> sink;
    /** The start of a line whose end has not arrived yet. */
    private byte[] partial = new byte[0];

    private int partialLength;
    private String event;
    /** The first data line; most events have exactly one, which then needs no joining. */
    private String data;

    private StringBuilder moreData;
    private boolean lastWasCr;

    public SseParser(Consumer<SseEvent> sink) {
        this.sink = sink;
    }

    public void feed(byte[] bytes) {
        int start = 0;
        for (int i = 0; i < bytes.length; i++) {
            byte b = bytes[i];
            if (b != '\n' && b != '\r') {
                continue;
            }
            if (b == '\n' && lastWasCr && i == start) {
                // the LF of a CRLF whose CR already ended the line
                lastWasCr = false;
                start = i + 1;
                continue;
            }
            if (partialLength > 0) {
                append(bytes, start, i);
                onLine(partial, 0, partialLength);
                partialLength = 0;
            } else {
                onLine(bytes, start, i);
            }
            lastWasCr = b == '\r';
            start = i + 1;
        }
        if (start < bytes.length) {
            append(bytes, start, bytes.length);
            lastWasCr = false;
        }
    }

    /** Flushes a last event that the server did not terminate with a blank line. */
    public void end() {
        if (partialLength > 0) {
            onLine(partial, 0, partialLength);
            partialLength = 0;
        }
        dispatch();
    }

    private void append(byte[] bytes, int from, int to) {
        int n = to - from;
        if (partialLength + n > partial.length) {
            partial = Arrays.copyOf(partial, Math.max(256, Math.max(partial.length * 2, partialLength + n)));
        }
        System.arraycopy(bytes, from, partial, partialLength, n);
        partialLength += n;
    }

    private void onLine(byte[] line, int from, int to) {
        if (from == to) {
            dispatch();
            return;
        }
        if (line[from] == ':') {
            return;
        }
        int colon = from;
        while (colon < to && line[colon] != ':') {
            colon++;
        }
        int valueFrom = colon < to ? colon + 1 : to;
        if (valueFrom < to && line[valueFrom] == ' ') {
            valueFrom++;
        }
        if (fieldIs(DATA, line, from, colon)) {
            String value = new String(line, valueFrom, to - valueFrom, StandardCharsets.UTF_8);
            if (data == null) {
                data = value;
            } else {
                if (moreData == null) {
                    moreData = new StringBuilder(data);
                }
                moreData.append('\n').append(value);
            }
        } else if (fieldIs(EVENT, line, from, colon)) {
            event = new String(line, valueFrom, to - valueFrom, StandardCharsets.UTF_8);
        }
        // id and retry carry nothing a model stream needs
    }

    private static boolean fieldIs(byte[] name, byte[] line, int from, int to) {
        return Arrays.equals(name, 0, name.length, line, from, to);
    }

    private void dispatch() {
        if (data != null) {
            sink.accept(new SseEvent(event, moreData == null ? data : moreData.toString()));
        }
        data = null;
        moreData = null;
        event = null;
    }
}
