package com.acme.mpc.gateway.surface.media;

/** Bytes that start as a PNG file does (the upstream only checks what arrives, not the picture). */
final class FakePng {
    private FakePng() {}

    static byte[] bytes(int size) {
        byte[] b = new byte[size];
        byte[] signature = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
        System.arraycopy(signature, 0, b, 0, signature.length);
        for (int i = signature.length; i < size; i++) {
            b[i] = (byte) (i * 7);
        }
        return b;
    }
}
