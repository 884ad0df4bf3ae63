package com.acme.mpc.gateway.provider.ollama;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Incremental newline-delimited JSON splitter fed with network chunks in arrival order. It splits on bytes and only
 * decodes a complete line, so a chunk boundary inside a line or inside a multi-byte UTF-8 character is harmless. One
 * instance per stream.
 */
final class NdjsonSplitter {
    private final Consumer<String> sink;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(512);

    NdjsonSplitter(Consumer<String> sink) {
        this.sink = sink;
    }

    void feed(byte[] bytes) {
        for (byte b : bytes) {
            if (b == '\n') {
                flush();
            } else {
                line.write(b);
            }
        }
    }

    /** Delivers a last line the server did not terminate with a newline. */
    void end() {
        flush();
    }

    private void flush() {
        // Ollama writes "\n" only, but a proxy in front of it may rewrite line ends to CRLF.
        String text = line.toString(StandardCharsets.UTF_8).strip();
        line.reset();
        if (!text.isEmpty()) {
            sink.accept(text);
        }
    }
}
