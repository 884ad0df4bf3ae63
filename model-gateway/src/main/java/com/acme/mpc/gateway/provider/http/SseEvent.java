package com.acme.mpc.gateway.provider.http;

/** One Server-Sent Event: its {@code event:} name (null when absent) and its joined {@code data:} lines. */
public record SseEvent(String event, String data) {}
