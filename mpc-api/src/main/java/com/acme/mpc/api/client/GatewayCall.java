package com.acme.mpc.api.client;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import java.util.concurrent.CompletionStage;

/**
 * A call in flight to model-gateway. Its response arrives paused, so that nothing of the body is lost
 * before the caller has decided where it goes. {@link #cancel()} resets the upstream request, which for
 * HTTP/1.1 closes the connection: the gateway sees the client go away and stops the provider call.
 */
public final class GatewayCall {

    private volatile HttpClientRequest request;
    private volatile boolean cancelled;
    private CompletionStage<HttpClientResponse> response;
    private Throwable failure;
    private Handler<Throwable> failureHandler;

    void attach(HttpClientRequest request) {
        this.request = request;
        if (cancelled) {
            request.reset();
        }
    }

    boolean cancelled() {
        return cancelled;
    }

    void response(CompletionStage<HttpClientResponse> response) {
        this.response = response;
    }

    /** A failure of the response body, possibly before anyone listens: it is kept until {@link #onFailure}. */
    synchronized void failed(Throwable error) {
        if (failureHandler != null) {
            failureHandler.handle(error);
        } else if (failure == null) {
            failure = error;
        }
    }

    /**
     * Where a failure of the response body (the gateway broke off, or went silent) goes, including one that
     * happened while the response was still paused.
     */
    public synchronized void onFailure(Handler<Throwable> handler) {
        failureHandler = handler;
        if (failure != null) {
            Throwable early = failure;
            failure = null;
            handler.handle(early);
        }
    }

    /** Completes with the gateway's response (any status), or fails with a {@link GatewayFailure}. */
    public CompletionStage<HttpClientResponse> response() {
        return response;
    }

    /** Abandons the call; harmless once the response has been read completely. */
    public void cancel() {
        cancelled = true;
        HttpClientRequest r = request;
        if (r != null) {
            r.reset();
        }
    }
}
