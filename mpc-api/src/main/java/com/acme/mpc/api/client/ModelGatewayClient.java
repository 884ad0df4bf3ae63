package com.acme.mpc.api.client;

import com.acme.mpc.api.config.MpcApiConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.smallrye.faulttolerance.api.TypedGuard;
import io.vertx.core.Future;
import io.vertx.core.VertxException;
import io.vertx.core.http.HttpClientResponse;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.util.TypeLiteral;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;

/**
 * model-gateway as mpc-api's handlers see it: every call is bounded by a timeout and guarded by a
 * circuit breaker (SmallRye Fault Tolerance), and transport errors come back as {@link
 * GatewayFailure}s that say what the client should be told.
 *
 * <p>The timeout is the transport's request idle timeout: no response headers, or no chunk of a started
 * stream, within MPC_API_GATEWAY_TIMEOUT fails the call and resets the upstream request. It runs on the
 * event loop's own timer; SmallRye's timeout would schedule every call on its timer thread too, which
 * measurably added latency on the hot path (docs/mpc-api-performance.md). The circuit breaker counts
 * those timeouts like any other failure. It judges the response headers only: a stream that has started
 * is relayed for as long as it lasts.
 */
@ApplicationScoped
public class ModelGatewayClient {

    /** Name of the circuit breaker, for CircuitBreakerMaintenance. */
    public static final String CIRCUIT_BREAKER = "model-gateway";

    private final ModelGatewayTransport transport;
    private final TypedGuard<CompletionStage<HttpClientResponse>> guard;
    private final AtomicReference<CircuitBreakerState> circuitState = new AtomicReference<>(CircuitBreakerState.CLOSED);
    private final long timeoutSeconds;
    private final long circuitDelaySeconds;

    /** A gateway 5xx fails the guarded call so that the circuit breaker counts it; its response is still relayed. */
    private static final class ServerError extends RuntimeException {
        final transient HttpClientResponse response;

        ServerError(HttpClientResponse response) {
            super(null, null, false, false);
            this.response = response;
        }
    }

    ModelGatewayClient(ModelGatewayTransport transport, MpcApiConfig config, MeterRegistry registry) {
        this.transport = transport;
        MpcApiConfig.CircuitBreaker cb = config.gateway().circuitBreaker();
        this.timeoutSeconds = Math.max(1, config.gateway().timeout().toSeconds());
        this.circuitDelaySeconds = Math.max(1, cb.delay().toSeconds());
        this.guard = TypedGuard.create(new TypeLiteral<CompletionStage<HttpClientResponse>>() {})
                .withDescription("model-gateway")
                .withThreadOffload(false)
                .withCircuitBreaker()
                .name(CIRCUIT_BREAKER)
                .requestVolumeThreshold(cb.requestVolumeThreshold())
                .failureRatio(cb.failureRatio())
                .delay(cb.delay().toMillis(), ChronoUnit.MILLIS)
                .successThreshold(cb.successThreshold())
                .onStateChange(circuitState::set)
                .done()
                .build();
        Gauge.builder(
                        "mpc_api_gateway_circuit_state",
                        circuitState,
                        s -> s.get().ordinal())
                .description("Circuit breaker towards model-gateway: 0 closed, 1 open, 2 half-open")
                .register(registry);
    }

    /** Sends a request; see {@link GatewayCall}. */
    public GatewayCall send(GatewayRequest request) {
        GatewayCall call = new GatewayCall();
        CompletionStage<HttpClientResponse> guarded = guard.get(() -> transport
                .send(request, call)
                .compose(response -> response.statusCode() >= 500
                        ? Future.failedFuture(new ServerError(response))
                        : Future.succeededFuture(response))
                .toCompletionStage());
        CompletableFuture<HttpClientResponse> result = new CompletableFuture<>();
        guarded.whenComplete((response, error) -> {
            if (error == null) {
                result.complete(response);
                return;
            }
            Throwable cause =
                    error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (cause instanceof ServerError serverError) {
                result.complete(serverError.response);
            } else {
                call.cancel();
                result.completeExceptionally(translate(cause));
            }
        });
        call.response(result);
        return call;
    }

    /**
     * The gateway's {@code GET /key/info} for a virtual key, asked with that key itself (LiteLLM lets a key read its
     * own info); fails on timeout or no connection.
     */
    public Future<GatewayAnswer> keyInfo(String key, long timeoutMillis) {
        return transport.get("/key/info", "Bearer " + key, timeoutMillis);
    }

    /** Probes the gateway's health path; completes with the HTTP status, fails on timeout or no connection. */
    public Future<Integer> probe(String path, long timeoutMillis) {
        return transport.probe(path, timeoutMillis);
    }

    public CircuitBreakerState circuitState() {
        return circuitState.get();
    }

    public String displayUrl() {
        return transport.displayUrl();
    }

    /** What the client is told about a transport failure (also one that happens after the response headers). */
    public GatewayFailure translate(Throwable cause) {
        if (cause instanceof GatewayFailure failure) {
            return failure;
        }
        if (cause instanceof CircuitBreakerOpenException) {
            return new GatewayFailure(
                    503,
                    "gateway_circuit_open",
                    "model-gateway is failing; mpc-api stopped calling it for up to " + circuitDelaySeconds
                            + "s (circuit breaker open). Retry later.",
                    circuitDelaySeconds,
                    cause);
        }
        if (isTimeout(cause)) {
            return new GatewayFailure(
                    504, "gateway_timeout", "model-gateway did not answer within " + timeoutSeconds + "s", 0, cause);
        }
        if (cause instanceof ConnectException
                || cause instanceof UnknownHostException
                || cause instanceof io.netty.channel.ConnectTimeoutException) {
            return new GatewayFailure(
                    502, "gateway_unreachable", "model-gateway is unreachable at " + displayUrl(), 0, cause);
        }
        return new GatewayFailure(
                502,
                "gateway_connection_closed",
                "model-gateway closed the connection without answering (" + displayUrl() + ")",
                0,
                cause);
    }

    public static boolean isTimeout(Throwable cause) {
        return cause instanceof org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException
                || cause instanceof java.util.concurrent.TimeoutException
                || (cause instanceof VertxException
                        && String.valueOf(cause.getMessage()).contains("timeout"));
    }
}
