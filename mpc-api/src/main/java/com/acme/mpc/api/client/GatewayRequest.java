package com.acme.mpc.api.client;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;

/**
 * One call to model-gateway.
 *
 * @param path the gateway path, e.g. /v1/chat/completions
 * @param headers headers to send besides the gateway credential
 * @param body the body, null for none
 */
public record GatewayRequest(HttpMethod method, String path, MultiMap headers, Buffer body) {}
