package com.acme.mpc.gateway.provider.http;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

/** A complete (non-streamed) 2xx upstream answer. */
public record UpstreamResponse(int status, MultiMap headers, Buffer body) {}
