package com.acme.mpc.gateway.provider.http;

import io.vertx.core.MultiMap;

/**
 * The upstream answered with a non-2xx status. Adapters turn it into a
 * {@link com.acme.mpc.gateway.core.GatewayException} with their provider's error mapping.
 */
public class UpstreamStatusException extends RuntimeException {
    private final int status;
    private final MultiMap headers;
    private final String body;

    public UpstreamStatusException(int status, MultiMap headers, String body) {
        super("upstream status " + status, null, false, false);
        this.status = status;
        this.headers = headers;
        this.body = body;
    }

    public int status() {
        return status;
    }

    public MultiMap headers() {
        return headers;
    }

    public String body() {
        return body;
    }
}
