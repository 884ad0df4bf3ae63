package com.acme.mpc.api.client;

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

    void attach(HttpClientRequest request) {
        this.request = request;
        if (cancelled) {
            request.reset();
        }
    }

    void response(CompletionStage<HttpClientResponse> response) {
        this.response = response;
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
