package com.acme.mpc.api;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.Map;

/** mpc-api pointed at a port where nothing listens, with a circuit breaker that opens after 2 calls. */
public class GatewayDownProfile implements QuarkusTestProfile {

    public static final String TOKEN = "tok-down-app";

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "mpc.gateway.url",
                "http://127.0.0.1:" + closedPort(),
                "quarkus.rest-client.cost-tracker.url",
                "http://127.0.0.1:" + closedPort(),
                "mpc.clients.tokens",
                "app:" + TOKEN,
                "mpc.gateway.health-timeout",
                "500ms",
                "mpc.gateway.circuit-breaker.request-volume-threshold",
                "2",
                "mpc.gateway.circuit-breaker.delay",
                "60s");
    }

    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
