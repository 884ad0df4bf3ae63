package com.acme.mpc.gateway.provider.http;

/**
 * One Server-Sent Event as it came over the wire: {@code raw} holds its exact bytes (the lines and the blank line that
 * ends it), so relaying the frames of a stream in order reproduces the stream byte for byte; {@code event} and
 * {@code data} are its parsed fields (null when absent).
 */
public record SseFrame(String event, String data, byte[] raw) {}
