package com.acme.mpc.gateway.surface.media;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** A RIFF/WAVE file (16 kHz mono PCM) of a given size: a real audio container, as clients upload. */
final class FakeWav {
    private FakeWav() {}

    static byte[] bytes(int size) {
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes()).putInt(size - 8).put("WAVE".getBytes());
        b.put("fmt ".getBytes()).putInt(16).putShort((short) 1).putShort((short) 1);
        b.putInt(16_000).putInt(32_000).putShort((short) 2).putShort((short) 16);
        b.put("data".getBytes()).putInt(size - 44);
        for (int i = 44; i < size; i++) {
            b.put((byte) (Math.sin(i / 8.0) * 100));
        }
        return b.array();
    }
}
