package com.acme.mpc.gateway.provider.http;

/** Per-stream state that turns a provider's SSE events into answer items; one instance per stream. */
public interface SseTranslator {
    void onEvent(SseEvent event);

    /** The upstream closed the stream normally; emit what is still pending or fail if the answer is incomplete. */
    void onEnd();
}
