package com.acme.mpc.gateway.provider.http;

import java.util.function.Consumer;

/**
 * Turns an upstream byte stream into items. {@link #start} is called once the upstream accepted the request (2xx)
 * and returns the consumer of raw chunks; implementations hold per-stream state (an SSE parser and a translator).
 */
public interface StreamDriver<T> {

    /** Where a driver emits translated items or reports a mid-stream failure. */
    interface Output<T> {
        void emit(T item);

        void fail(Throwable failure);
    }

    Consumer<byte[]> start(Output<T> out);

    /** The upstream closed the stream normally; emit whatever is still pending (e.g. a usage chunk). */
    default void end(Output<T> out) {}
}
