package com.acme.mpc.api.health;

import com.acme.mpc.api.client.ModelGatewayClient;
import com.acme.mpc.api.config.MpcApiConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Locale;

/**
 * Probes model-gateway's health path with a short timeout. A hard timer backs the HTTP timeouts up, so
 * that a probe never takes longer than the timeout, whatever state the connection is in.
 */
@ApplicationScoped
public class GatewayHealthProbe {

    private final ModelGatewayClient gateway;
    private final Vertx vertx;
    private final String path;
    private final long timeoutMillis;

    GatewayHealthProbe(ModelGatewayClient gateway, Vertx vertx, MpcApiConfig config) {
        this.gateway = gateway;
        this.vertx = vertx;
        this.path = config.gateway().healthPath();
        this.timeoutMillis = config.gateway().healthTimeout().toMillis();
    }

    public Future<GatewayHealth> check() {
        long start = System.nanoTime();
        Promise<GatewayHealth> result = Promise.promise();
        long timer = vertx.setTimer(timeoutMillis, t -> result.tryComplete(health("timeout", start)));
        gateway.probe(path, timeoutMillis).onComplete(probe -> {
            vertx.cancelTimer(timer);
            String status;
            if (probe.succeeded()) {
                status = probe.result() >= 200 && probe.result() < 300 ? "healthy" : "unhealthy";
            } else {
                status = ModelGatewayClient.isTimeout(probe.cause()) ? "timeout" : "unreachable";
            }
            result.tryComplete(health(status, start));
        });
        return result.future();
    }

    private GatewayHealth health(String status, long start) {
        return new GatewayHealth(
                status,
                gateway.displayUrl(),
                (System.nanoTime() - start) / 1_000_000,
                gateway.circuitState().name().toLowerCase(Locale.ROOT));
    }
}
