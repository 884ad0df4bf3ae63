package com.acme.mpc.gateway.provider.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * Writes AWS event stream messages the way Bedrock's ConverseStream frames them (string headers {@code :event-type},
 * {@code :content-type}, {@code :message-type}; real CRC32s), from the fixtures' one-event-per-line form:
 * {@code {"event":"contentBlockDelta","payload":{...}}} or {@code {"exception":"throttlingException","payload":{...}}}.
 */
final class EventStreamFrames {
    private static final ObjectMapper JSON = new ObjectMapper();

    private EventStreamFrames() {}

    /** Every event of a fixture ({@code .jsonl}), framed and concatenated. */
    static byte[] fromJsonLines(String jsonLines) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String line : jsonLines.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            try {
                JsonNode e = JSON.readTree(line);
                byte[] payload = JSON.writeValueAsBytes(e.get("payload"));
                Map<String, String> headers = new LinkedHashMap<>();
                if (e.has("exception")) {
                    headers.put(":exception-type", e.get("exception").asText());
                    headers.put(":content-type", "application/json");
                    headers.put(":message-type", "exception");
                } else {
                    headers.put(":event-type", e.get("event").asText());
                    headers.put(":content-type", "application/json");
                    headers.put(":message-type", "event");
                }
                out.writeBytes(frame(headers, payload));
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        }
        return out.toByteArray();
    }

    static byte[] frame(Map<String, String> headers, byte[] payload) {
        ByteArrayOutputStream h = new ByteArrayOutputStream();
        headers.forEach((name, value) -> {
            byte[] n = name.getBytes(StandardCharsets.UTF_8);
            byte[] v = value.getBytes(StandardCharsets.UTF_8);
            h.write(n.length);
            h.writeBytes(n);
            h.write(7); // string
            h.write(v.length >> 8);
            h.write(v.length & 0xff);
            h.writeBytes(v);
        });
        byte[] headerBytes = h.toByteArray();
        int total = 12 + headerBytes.length + payload.length + 4;
        ByteBuffer b = ByteBuffer.allocate(total);
        b.putInt(total).putInt(headerBytes.length);
        b.putInt((int) crc(b.array(), 0, 8));
        b.put(headerBytes).put(payload);
        b.putInt((int) crc(b.array(), 0, total - 4));
        return b.array();
    }

    private static long crc(byte[] bytes, int offset, int length) {
        CRC32 crc = new CRC32();
        crc.update(bytes, offset, length);
        return crc.getValue();
    }
}
