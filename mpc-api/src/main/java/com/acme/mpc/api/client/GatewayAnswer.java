package com.acme.mpc.api.client;

import io.vertx.core.buffer.Buffer;

/** What the gateway answered to a short request of mpc-api's own: its status and whole body. */
public record GatewayAnswer(int status, Buffer body) {}
