package com.acme.mpc.gateway.surface;

import com.acme.mpc.gateway.core.GatewayException;
import com.acme.mpc.gateway.core.Usage;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;

/**
 * The client side of one streamed request in a surface's wire format: encodes the items of each attempt, reads usage
 * and the model on the way, and frames the end of the stream. One instance per request, used on its event loop.
 */
public interface SurfaceStream<T> {

    /** Appends the client's bytes for {@code item} to {@code out}; false when the item sends nothing. */
    boolean encode(T item, Buffer out);

    /** The usage the upstream reported so far, or null. */
    Usage usage();

    /** The model the upstream named, or null. */
    String model();

    /** Characters of generated content relayed so far (for an estimate when the upstream reports no usage). */
    long relayedChars();

    /** A new attempt takes over (nothing reached the client): forget what the failed one reported. */
    void reset();

    /** Bytes that close a stream that ended well (OpenAI's {@code [DONE]}; may be empty). */
    Buffer end();

    /** Bytes that close a stream that failed after its first byte. */
    Buffer failure(GatewayException e);

    /** Start rebuilding the whole answer from the relayed items (for the cache and the body log). */
    void assemble();

    /** The rebuilt answer in this surface's non-streamed format, or null (not assembling, or not rebuildable). */
    ObjectNode assembled();
}
