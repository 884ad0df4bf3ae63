package com.acme.mpc.gateway.provider.bedrock;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.zip.CRC32;

/**
 * Incremental decoder of AWS's {@code application/vnd.amazon.eventstream} framing: each message is a prelude (total
 * length, headers length, CRC32 of those 8 bytes), headers ({@code name-length name type value}), the payload and a
 * CRC32 of everything before it. Bytes may arrive split anywhere; whole messages go to the consumer in order. A
 * corrupted or impossible frame throws {@link EventStreamException} and the decoder accepts nothing more.
 */
public final class EventStreamDecoder {
    /** One decoded message: its headers (string, numeric and boolean values as Java objects) and payload. */
    public record Message(Map<String, Object> headers, byte[] payload) {
        public String header(String name) {
            Object v = headers.get(name);
            return v == null ? null : v.toString();
        }
    }

    /** A frame that cannot be decoded: the stream is not to be trusted beyond it. */
    public static final class EventStreamException extends RuntimeException {
        EventStreamException(String message) {
            super(message, null, false, false);
        }
    }

    private static final int PRELUDE = 12;
    private static final int MIN_MESSAGE = 16;
    /** AWS's limit on one message (16 MiB) bounds what a broken length field can make us buffer. */
    private static final int MAX_MESSAGE = 16 * 1024 * 1024;

    private final Consumer<Message> consumer;
    private byte[] buffer = new byte[8192];
    private int length;
    private boolean broken;

    public EventStreamDecoder(Consumer<Message> consumer) {
        this.consumer = consumer;
    }

    public void feed(byte[] bytes) {
        if (broken) {
            return;
        }
        append(bytes);
        int offset = 0;
        try {
            while (length - offset >= PRELUDE) {
                int total = readInt(offset);
                int headersLength = readInt(offset + 4);
                if (total < MIN_MESSAGE
                        || total > MAX_MESSAGE
                        || headersLength < 0
                        || headersLength > total - MIN_MESSAGE) {
                    throw new EventStreamException("invalid event stream prelude (length " + total + ")");
                }
                if (crc(offset, 8) != readUnsignedInt(offset + 8)) {
                    throw new EventStreamException("event stream prelude CRC mismatch");
                }
                if (length - offset < total) {
                    break;
                }
                if (crc(offset, total - 4) != readUnsignedInt(offset + total - 4)) {
                    throw new EventStreamException("event stream message CRC mismatch");
                }
                Map<String, Object> headers = headers(offset + PRELUDE, headersLength);
                int payloadStart = offset + PRELUDE + headersLength;
                byte[] payload = new byte[total - PRELUDE - headersLength - 4];
                System.arraycopy(buffer, payloadStart, payload, 0, payload.length);
                offset += total;
                consumer.accept(new Message(headers, payload));
                if (broken) {
                    return;
                }
            }
        } catch (EventStreamException e) {
            broken = true;
            throw e;
        }
        System.arraycopy(buffer, offset, buffer, 0, length - offset);
        length -= offset;
    }

    /** Stops decoding (after a consumer failure, nothing that follows belongs to an answer). */
    public void stop() {
        broken = true;
    }

    /** Bytes of an incomplete message left over: a stream cut mid-message. */
    public boolean hasPartialMessage() {
        return !broken && length > 0;
    }

    private Map<String, Object> headers(int start, int headersLength) {
        Map<String, Object> out = new LinkedHashMap<>();
        ByteBuffer b = ByteBuffer.wrap(buffer, start, headersLength);
        try {
            while (b.hasRemaining()) {
                int nameLength = b.get() & 0xff;
                String name = string(b, nameLength);
                int type = b.get() & 0xff;
                Object value = switch (type) {
                    case 0 -> Boolean.TRUE;
                    case 1 -> Boolean.FALSE;
                    case 2 -> b.get();
                    case 3 -> b.getShort();
                    case 4 -> b.getInt();
                    case 5, 8 -> b.getLong(); // long, timestamp (epoch ms)
                    case 6 -> {
                        byte[] bytes = new byte[b.getShort() & 0xffff];
                        b.get(bytes);
                        yield bytes;
                    }
                    case 7 -> string(b, b.getShort() & 0xffff);
                    case 9 -> new java.util.UUID(b.getLong(), b.getLong());
                    default -> throw new EventStreamException("unknown event stream header type " + type);
                };
                out.put(name, value);
            }
        } catch (java.nio.BufferUnderflowException e) {
            throw new EventStreamException("event stream headers overrun their length");
        }
        return out;
    }

    private static String string(ByteBuffer b, int n) {
        byte[] bytes = new byte[n];
        b.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private void append(byte[] bytes) {
        if (length + bytes.length > buffer.length) {
            byte[] bigger = new byte[Math.max(buffer.length * 2, length + bytes.length)];
            System.arraycopy(buffer, 0, bigger, 0, length);
            buffer = bigger;
        }
        System.arraycopy(bytes, 0, buffer, length, bytes.length);
        length += bytes.length;
    }

    private int readInt(int at) {
        return (buffer[at] & 0xff) << 24
                | (buffer[at + 1] & 0xff) << 16
                | (buffer[at + 2] & 0xff) << 8
                | buffer[at + 3] & 0xff;
    }

    private long readUnsignedInt(int at) {
        return readInt(at) & 0xffffffffL;
    }

    private long crc(int at, int n) {
        CRC32 crc = new CRC32();
        crc.update(buffer, at, n);
        return crc.getValue();
    }
}
