package com.acme.mpc.gateway.provider.http;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Cuts an SSE byte stream into whole events without re-encoding them, for streams relayed unchanged: network chunks
 * go in in arrival order, {@link SseFrame}s come out once their ending blank line has arrived. Every byte lands in
 * exactly one frame, so the frames' raw bytes joined are the stream. One instance per stream.
 */
public final class SseFrameSplitter {
    private final Consumer<SseFrame> sink;
    private byte[] pending = new byte[1024];
    private int length;
    /** Bytes of the current line so far (terminators excluded). */
    private int lineLength;

    private boolean lastWasCr;
    /** Whether the current event has any line yet (a blank line before any is just a separator). */
    private boolean hasLines;

    public SseFrameSplitter(Consumer<SseFrame> sink) {
        this.sink = sink;
    }

    public void feed(byte[] bytes) {
        for (byte b : bytes) {
            append(b);
            if (b == '\n' && lastWasCr) {
                // the LF of a CRLF whose CR already ended the line
                lastWasCr = false;
                continue;
            }
            if (b == '\n' || b == '\r') {
                lastWasCr = b == '\r';
                if (lineLength == 0) {
                    if (hasLines) {
                        emit();
                    }
                } else {
                    hasLines = true;
                }
                lineLength = 0;
            } else {
                lastWasCr = false;
                lineLength++;
            }
        }
    }

    /** The upstream closed the stream: whatever is left (an unterminated last event) is one more frame. */
    public void end() {
        if (length > 0) {
            emit();
        }
    }

    private void append(byte b) {
        if (length == pending.length) {
            pending = Arrays.copyOf(pending, pending.length * 2);
        }
        pending[length++] = b;
    }

    private void emit() {
        byte[] raw = Arrays.copyOf(pending, length);
        length = 0;
        hasLines = false;
        lineLength = 0;
        String event = null;
        StringBuilder data = null;
        for (String line : new String(raw, StandardCharsets.UTF_8).split("\r\n|\r|\n")) {
            if (line.isEmpty() || line.charAt(0) == ':') {
                continue;
            }
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1);
            if (value.startsWith(" ")) {
                value = value.substring(1);
            }
            if (field.equals("event")) {
                event = value;
            } else if (field.equals("data")) {
                data = data == null
                        ? new StringBuilder(value)
                        : data.append('\n').append(value);
            }
        }
        sink.accept(new SseFrame(event, data == null ? null : data.toString(), raw));
    }
}
