package com.acme.mpc.gateway.provider.http;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Incremental SSE parser (WHATWG event-stream rules) fed with network chunks in arrival order. Lines are split on
 * bytes, so a chunk boundary inside a multi-byte UTF-8 character or inside a line is harmless. One instance per
 * stream.
 */
public final class SseParser {
    private final Consumer<SseEvent> sink;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);
    private final StringBuilder data = new StringBuilder();
    private String event;
    private boolean hasData;
    private boolean lastWasCr;

    public SseParser(Consumer<SseEvent> sink) {
        this.sink = sink;
    }

    public void feed(byte[] bytes) {
        for (byte b : bytes) {
            if (b == '\n' && lastWasCr) {
                lastWasCr = false;
                continue;
            }
            lastWasCr = b == '\r';
            if (b == '\n' || b == '\r') {
                onLine(line.toString(StandardCharsets.UTF_8));
                line.reset();
            } else {
                line.write(b);
            }
        }
    }

    /** Flushes a last event that the server did not terminate with a blank line. */
    public void end() {
        if (line.size() > 0) {
            onLine(line.toString(StandardCharsets.UTF_8));
            line.reset();
        }
        dispatch();
    }

    private void onLine(String text) {
        if (text.isEmpty()) {
            dispatch();
            return;
        }
        if (text.charAt(0) == ':') {
            return;
        }
        int colon = text.indexOf(':');
        String field = colon < 0 ? text : text.substring(0, colon);
        String value = colon < 0 ? "" : text.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        switch (field) {
            case "data" -> {
                if (hasData) {
                    data.append('\n');
                }
                data.append(value);
                hasData = true;
            }
            case "event" -> event = value;
            default -> {
                // id and retry carry nothing a model stream needs
            }
        }
    }

    private void dispatch() {
        if (hasData) {
            sink.accept(new SseEvent(event, data.toString()));
        }
        data.setLength(0);
        hasData = false;
        event = null;
    }
}
