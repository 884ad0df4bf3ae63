package com.acme.mpc.gateway.service;

import com.acme.mpc.gateway.core.GatewayException;
import com.acme.mpc.gateway.core.Usage;
import com.acme.mpc.gateway.provider.mock.TokenEstimate;
import com.acme.mpc.gateway.surface.SurfaceStream;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.util.function.Consumer;

/**
 * Relays one upstream stream to the client, item by item as they arrive, in the wire format of the request's surface
 * ({@link SurfaceStream}). Headers go out with the first item, so a failure before it still gets a proper HTTP error
 * status. Meters the stream whatever happens: the usage the upstream reports (it is always requested), else an
 * estimate from what was relayed, also when the client disconnects (then the upstream request is cancelled).
 */
final class StreamRelay<T> {
    /** The attempt loop behind the relay. */
    interface Hooks {
        /** The current attempt failed before anything reached the client: true when another attempt was started. */
        boolean retry(GatewayException e);

        /** The request ended (once): success, failure after the first byte or a final failure, or the client left. */
        void finished(Usage usage, GatewayException failure, boolean clientGone);

        /** The surface's error answer when the request fails before its first byte. */
        void writeError(GatewayException e);
    }

    private final HttpServerResponse response;
    private final CallContext call;
    private final UsageRecorder recorder;
    private final SurfaceStream<T> encoder;
    private final long promptTokenEstimate;
    private final WriteAheadUsage writeAhead;
    /** When the relayed tokens were last noted in the write-ahead journal (0: never). */
    private long lastProgressNanos;

    private Hooks hooks;
    private Consumer<ObjectNode> completed;
    private Cancellable upstream;
    private boolean finished;
    private boolean clientGone;
    private boolean expired;
    private Buffer pending;
    private boolean flushScheduled;

    StreamRelay(
            HttpServerResponse response,
            CallContext call,
            UsageRecorder recorder,
            SurfaceStream<T> encoder,
            long promptTokenEstimate,
            WriteAheadUsage writeAhead) {
        this.writeAhead = writeAhead;
        this.response = response;
        this.call = call;
        this.recorder = recorder;
        this.encoder = encoder;
        this.promptTokenEstimate = promptTokenEstimate;
    }

    /** Must run before subscribing: a synchronous upstream (mock) may end the response during subscribe. */
    void listenForDisconnect() {
        response.closeHandler(v -> onClientGone());
    }

    /** Rebuilds the whole answer from the relayed items and hands it to {@code completed} when the stream ends well. */
    void whenAssembled(Consumer<ObjectNode> completed) {
        encoder.assemble();
        this.completed = completed;
    }

    void hooks(Hooks hooks) {
        this.hooks = hooks;
    }

    boolean isFinished() {
        return finished;
    }

    void attach(Cancellable upstream) {
        this.upstream = upstream;
        if (clientGone) {
            upstream.cancel();
        }
    }

    void onItem(T item) {
        if (finished) {
            return;
        }
        boolean fresh = pending == null;
        if (fresh) {
            pending = Buffer.buffer(512);
        }
        if (!encoder.encode(item, pending)) {
            if (fresh) {
                pending = null;
            }
            return;
        }
        if (!response.headWritten()) {
            call.firstTokenNanos = System.nanoTime();
            response.setStatusCode(200);
            response.putHeader("content-type", "text/event-stream");
            response.putHeader("cache-control", "no-cache");
            response.setChunked(true);
        }
        scheduleFlush();
        if (writeAhead != null && writeAhead.progressDue(lastProgressNanos)) {
            // what an incomplete event bills if the gateway dies before this stream ends; cheap: a clock read per
            // chunk, one small unforced journal record per progress interval
            lastProgressNanos = System.nanoTime();
            writeAhead.progress(call, relayedCompletionTokens());
        }
    }

    private long relayedCompletionTokens() {
        Usage usage = encoder.usage();
        return usage != null ? usage.completionTokens() : TokenEstimate.ofChars(encoder.relayedChars());
    }

    /**
     * Items translated from one upstream network read are written together at the end of the current event-loop
     * task: one write (one syscall, one packet) instead of one per item, with no added delay; items of later reads
     * still go out as they arrive.
     */
    private void scheduleFlush() {
        if (flushScheduled) {
            return;
        }
        Context context = Vertx.currentContext();
        if (context == null) {
            flushPending();
            return;
        }
        flushScheduled = true;
        context.runOnContext(v -> {
            flushScheduled = false;
            if (!finished) {
                flushPending();
            }
        });
    }

    private void flushPending() {
        if (pending != null && !response.closed()) {
            response.write(pending);
        }
        pending = null;
    }

    /** The pending items followed by {@code last}, as one buffer. */
    private Buffer drainWith(Buffer last) {
        if (pending == null) {
            return last;
        }
        Buffer all = pending.appendBuffer(last);
        pending = null;
        return all;
    }

    /**
     * The request's own timeout ran out: the attempt in flight is cancelled and the call ends with {@code e}, without
     * another attempt (an error event when the stream has begun).
     */
    void expire(GatewayException e) {
        if (finished) {
            return;
        }
        expired = true;
        if (upstream != null) {
            upstream.cancel();
        }
        onFailure(e);
    }

    void onFailure(Throwable t) {
        if (finished) {
            return;
        }
        GatewayException e = t instanceof GatewayException g ? g : CallPipeline.internal(t);
        if (!expired
                && !response.headWritten()
                && !response.closed()
                && encoder.relayedChars() == 0
                && call.firstTokenNanos == 0
                && hooks.retry(e)) {
            // nothing reached the client yet: another attempt (retry or fallback) takes over this response
            encoder.reset();
            return;
        }
        finished = true;
        Usage u = usageOrEstimate();
        hooks.finished(u, e, false);
        if (!response.headWritten() && pending == null) {
            hooks.writeError(e);
        } else if (!response.closed()) {
            response.end(drainWith(encoder.failure(e)));
        }
        recorder.record(call, u, encoder.model(), e.status(), e.type(), false);
    }

    void onComplete() {
        if (finished) {
            return;
        }
        finished = true;
        if (!response.headWritten() && pending == null) {
            // an upstream that ends without a single item still gets a well-formed empty stream
            response.setStatusCode(200).putHeader("content-type", "text/event-stream");
        }
        if (!response.closed()) {
            response.end(drainWith(encoder.end()));
        }
        Usage u = usageOrEstimate();
        hooks.finished(u, null, false);
        recorder.record(call, u, encoder.model(), 200, null, false);
        if (completed != null) {
            ObjectNode whole = encoder.assembled();
            if (whole != null) {
                completed.accept(whole);
            }
        }
    }

    private void onClientGone() {
        if (finished) {
            return;
        }
        finished = true;
        clientGone = true;
        pending = null;
        if (upstream != null) {
            upstream.cancel();
        }
        Usage u = usageOrEstimate();
        hooks.finished(u, null, true);
        recorder.record(call, u, encoder.model(), 499, "client_disconnected", false);
    }

    private Usage usageOrEstimate() {
        Usage usage = encoder.usage();
        if (usage != null) {
            return usage;
        }
        long relayedChars = encoder.relayedChars();
        if (relayedChars == 0 && call.firstTokenNanos == 0) {
            return new Usage(promptTokenEstimate, 0, 0, 0, 0);
        }
        return new Usage(promptTokenEstimate, TokenEstimate.ofChars(relayedChars), 0, 0, 0);
    }
}
