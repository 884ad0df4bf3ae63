package com.acme.mpc.api.client;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.streams.ReadStream;

/**
 * One call to model-gateway.
 *
 * @param path the gateway path, e.g. /v1/chat/completions
 * @param headers headers to send besides the gateway credential
 * @param body the body, null for none
 * @param stream a body relayed as it arrives (a multipart upload), with back-pressure; null for none
 */
public record GatewayRequest(HttpMethod method, String path, MultiMap headers, Buffer body, ReadStream<Buffer> stream) {

    public GatewayRequest(HttpMethod method, String path, MultiMap headers, Buffer body) {
        this(method, path, headers, body, null);
    }

    public static GatewayRequest streamed(HttpMethod method, String path, MultiMap headers, ReadStream<Buffer> stream) {
        return new GatewayRequest(method, path, headers, null, stream);
    }
}
