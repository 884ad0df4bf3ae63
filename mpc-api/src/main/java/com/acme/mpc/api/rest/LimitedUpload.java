package com.acme.mpc.api.rest;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/**
 * An upload relayed as it arrives, counted: a chunked body (its size unknown up front) that passes the limit stops
 * being relayed and {@code exceeded} runs once (the caller cancels the gateway call and answers 413).
 */
final class LimitedUpload implements ReadStream<Buffer> {
    private final ReadStream<Buffer> source;
    private final long limit;
    private final Runnable exceeded;
    private long count;
    private boolean over;

    LimitedUpload(ReadStream<Buffer> source, long limit, Runnable exceeded) {
        this.source = source;
        this.limit = limit;
        this.exceeded = exceeded;
    }

    @Override
    public ReadStream<Buffer> handler(Handler<Buffer> handler) {
        if (handler == null) {
            source.handler(null);
            return this;
        }
        source.handler(chunk -> {
            if (over) {
                return;
            }
            count += chunk.length();
            if (count > limit) {
                over = true;
                exceeded.run();
                return;
            }
            handler.handle(chunk);
        });
        return this;
    }

    @Override
    public ReadStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
        source.exceptionHandler(handler);
        return this;
    }

    @Override
    public ReadStream<Buffer> pause() {
        source.pause();
        return this;
    }

    @Override
    public ReadStream<Buffer> resume() {
        source.resume();
        return this;
    }

    @Override
    public ReadStream<Buffer> fetch(long amount) {
        source.fetch(amount);
        return this;
    }

    @Override
    public ReadStream<Buffer> endHandler(Handler<Void> endHandler) {
        // past the limit the body never ends for the gateway: the call is cancelled instead
        source.endHandler(
                endHandler == null
                        ? null
                        : v -> {
                            if (!over) {
                                endHandler.handle(v);
                            }
                        });
        return this;
    }
}
