package com.acme.mpc.gateway.service;

import com.acme.mpc.gateway.api.ApiErrors;
import com.acme.mpc.gateway.cache.StreamAssembler;
import com.acme.mpc.gateway.core.GatewayException;
import com.acme.mpc.gateway.core.Json;
import com.acme.mpc.gateway.core.OpenAiShapes;
import com.acme.mpc.gateway.core.Usage;
import com.acme.mpc.gateway.provider.mock.TokenEstimate;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.util.function.Consumer;

/**
 * Relays one upstream stream to the client as OpenAI SSE, chunk by chunk as they arrive. Headers go out with the
 * first chunk, so a failure before it still gets a proper HTTP error status. Meters the stream whatever happens: the
 * usage chunk when the upstream sends one (it is always requested), else an estimate from what was relayed, also when
 * the client disconnects (then the upstream request is cancelled).
 */
final class StreamRelay {
    /** The attempt loop behind the relay. */
    interface Hooks {
        /** The current attempt failed before anything reached the client: true when another attempt was started. */
        boolean retry(GatewayException e);

        /** The request ended (once): success, failure after the first byte or a final failure, or the client left. */
        void finished(Usage usage, GatewayException failure, boolean clientGone);
    }

    private static final Hooks NO_HOOKS = new Hooks() {
        @Override
        public boolean retry(GatewayException e) {
            return false;
        }

        @Override
        public void finished(Usage usage, GatewayException failure, boolean clientGone) {}
    };

    private static final byte[] DATA = "data: ".getBytes();
    private static final byte[] END = "\n\n".getBytes();
    private static final Buffer DONE = Buffer.buffer("data: [DONE]\n\n");

    private final HttpServerResponse response;
    private final CallContext call;
    private final UsageRecorder recorder;
    private final long promptTokenEstimate;
    private Hooks hooks = NO_HOOKS;
    private StreamAssembler assembler;
    private Consumer<ObjectNode> completed;
    private Cancellable upstream;
    private boolean finished;
    private boolean clientGone;
    private Buffer pending;
    private boolean flushScheduled;
    private Usage usage;
    private String model;
    private long relayedChars;

    StreamRelay(HttpServerResponse response, CallContext call, UsageRecorder recorder, long promptTokenEstimate) {
        this.response = response;
        this.call = call;
        this.recorder = recorder;
        this.promptTokenEstimate = promptTokenEstimate;
    }

    /** Must run before subscribing: a synchronous upstream (mock) may end the response during subscribe. */
    void listenForDisconnect() {
        response.closeHandler(v -> onClientGone());
    }

    /** Rebuilds the whole answer from the relayed chunks and hands it to {@code completed} when the stream ends well. */
    void assembleInto(StreamAssembler assembler, Consumer<ObjectNode> completed) {
        this.assembler = assembler;
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

    void onChunk(ObjectNode chunk) {
        if (finished) {
            return;
        }
        if (model == null) {
            model = chunk.path("model").asText(null);
        }
        if (assembler != null) {
            assembler.accept(chunk);
        }
        JsonNode usageNode = chunk.get("usage");
        if (usageNode != null && usageNode.isObject()) {
            usage = Usage.fromOpenAi(usageNode);
            if (!call.clientWantsUsage) {
                if (OpenAiShapes.isUsageChunk(chunk)) {
                    return;
                }
                chunk.remove("usage");
            }
        } else if (usageNode != null && !call.clientWantsUsage) {
            chunk.remove("usage");
        }
        countRelayed(chunk);
        if (!response.headWritten()) {
            call.firstTokenNanos = System.nanoTime();
            response.setStatusCode(200);
            response.putHeader("content-type", "text/event-stream");
            response.putHeader("cache-control", "no-cache");
            response.setChunked(true);
        }
        if (pending == null) {
            pending = Buffer.buffer(512);
        }
        pending.appendBytes(DATA).appendBytes(Json.toBytes(chunk)).appendBytes(END);
        scheduleFlush();
    }

    /**
     * Chunks translated from one upstream network read are written together at the end of the current event-loop
     * task: one write (one syscall, one packet) instead of one per chunk, with no added delay; chunks of later reads
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

    /** The pending chunks followed by {@code last}, as one buffer. */
    private Buffer drainWith(Buffer last) {
        if (pending == null) {
            return last;
        }
        Buffer all = pending.appendBuffer(last);
        pending = null;
        return all;
    }

    void onFailure(Throwable t) {
        if (finished) {
            return;
        }
        GatewayException e = t instanceof GatewayException g ? g : CompletionHandler.internal(t);
        if (!response.headWritten()
                && !response.closed()
                && relayedChars == 0
                && call.firstTokenNanos == 0
                && hooks.retry(e)) {
            // nothing reached the client yet: another attempt (retry or fallback) takes over this response
            usage = null;
            model = null;
            if (assembler != null) {
                assembler.reset();
            }
            return;
        }
        finished = true;
        Usage u = usageOrEstimate();
        hooks.finished(u, e, false);
        if (!response.headWritten() && pending == null) {
            ApiErrors.write(response, e);
        } else if (!response.closed()) {
            response.end(drainWith(ApiErrors.sseEvent(e).appendBuffer(DONE)));
        }
        recorder.record(call, u, model, e.status(), e.type(), false);
    }

    void onComplete() {
        if (finished) {
            return;
        }
        finished = true;
        if (!response.headWritten() && pending == null) {
            // an upstream that ends without a single chunk still gets a well-formed empty stream
            response.setStatusCode(200).putHeader("content-type", "text/event-stream");
        }
        if (!response.closed()) {
            response.end(drainWith(DONE));
        }
        Usage u = usageOrEstimate();
        hooks.finished(u, null, false);
        recorder.record(call, u, model, 200, null, false);
        if (assembler != null) {
            ObjectNode whole = assembler.build();
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
        recorder.record(call, u, model, 499, "client_disconnected", false);
    }

    private Usage usageOrEstimate() {
        if (usage != null) {
            return usage;
        }
        if (relayedChars == 0 && call.firstTokenNanos == 0) {
            return new Usage(promptTokenEstimate, 0, 0, 0, 0);
        }
        return new Usage(promptTokenEstimate, TokenEstimate.ofChars(relayedChars), 0, 0, 0);
    }

    private void countRelayed(ObjectNode chunk) {
        JsonNode choices = chunk.get("choices");
        if (choices == null || !choices.isArray()) {
            return;
        }
        for (JsonNode c : choices) {
            JsonNode delta = c.get("delta");
            if (delta != null) {
                relayedChars += delta.path("content").asText("").length();
                JsonNode tools = delta.get("tool_calls");
                if (tools != null) {
                    for (JsonNode t : tools) {
                        relayedChars +=
                                t.path("function").path("arguments").asText("").length();
                    }
                }
            } else {
                relayedChars += c.path("text").asText("").length();
            }
        }
    }
}
