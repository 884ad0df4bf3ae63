package com.acme.mpc.api.client;

import com.acme.mpc.api.config.MpcApiConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.URI;
import java.util.Locale;

/**
 * The raw HTTP connection to model-gateway: a pooled, keep-alive Vert.x client that passes bodies
 * through as buffers. Package-private: callers go through {@link ModelGatewayClient}, which adds the
 * timeout and the circuit breaker.
 */
@ApplicationScoped
class ModelGatewayTransport {

    private final HttpClient http;
    private final String host;
    private final int port;
    private final boolean ssl;
    private final String basePath;
    private final String authorization;
    private final long timeoutMillis;
    private final long connectTimeoutMillis;
    private final String displayUrl;
    private final Counter resent;

    ModelGatewayTransport(Vertx vertx, MpcApiConfig config, MeterRegistry registry) {
        this.resent = Counter.builder("mpc_api_gateway_requests_resent")
                .description("requests sent to model-gateway a second time because their pooled connection closed"
                        + " before any answer")
                .register(registry);
        URI url = config.gateway().url();
        this.ssl = "https".equalsIgnoreCase(url.getScheme());
        this.host = url.getHost();
        this.port = url.getPort() > 0 ? url.getPort() : (ssl ? 443 : 80);
        this.basePath = basePath(url.getPath());
        this.displayUrl = url.getScheme() + "://" + host + ":" + port + basePath;
        this.authorization = config.gateway().key().map(k -> "Bearer " + k).orElse(null);
        this.timeoutMillis = config.gateway().timeout().toMillis();
        this.connectTimeoutMillis = config.gateway().connectTimeout().toMillis();
        HttpClientOptions options = new HttpClientOptions()
                .setKeepAlive(true)
                .setTcpNoDelay(true)
                .setConnectTimeout((int) connectTimeoutMillis)
                // Bytes are relayed as the gateway sent them; the client decompresses if it asked for gzip.
                .setDecompressionSupported(false)
                .setKeepAliveTimeout(60)
                .setSsl(ssl);
        this.http = vertx.createHttpClient(
                options, new PoolOptions().setHttp1MaxSize(config.gateway().maxConnections()));
    }

    /** LITELLM_BASE_URL may be given with or without /v1 (LiteLLM accepts both); paths here carry /v1. */
    static String basePath(String path) {
        String p = path == null ? "" : path;
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p.endsWith("/v1") ? p.substring(0, p.length() - 3) : p;
    }

    /** The gateway's URL as shown in health output and error messages (never with credentials). */
    String displayUrl() {
        return displayUrl;
    }

    long timeoutMillis() {
        return timeoutMillis;
    }

    /**
     * Starts the call; the returned future fails for transport errors only (any HTTP status is a success). A request
     * whose pooled connection closes before any answer (the gateway closed an idle keep-alive connection as it was
     * reused, e.g. while it restarts) is sent once more on another connection, as the OpenAI SDKs do for a connection
     * error; a body streamed from the client cannot be sent twice and is not.
     */
    Future<HttpClientResponse> send(GatewayRequest r, GatewayCall call) {
        return attempt(r, call).recover(failure -> {
            if (r.stream() != null || call.cancelled() || !closedBeforeAnswer(failure)) {
                return Future.failedFuture(failure);
            }
            resent.increment();
            return attempt(r, call);
        });
    }

    /** The connection ended before a response head: closed, or reset by the peer. */
    static boolean closedBeforeAnswer(Throwable failure) {
        return failure instanceof HttpClosedException
                || (failure instanceof IOException
                        && String.valueOf(failure.getMessage())
                                .toLowerCase(Locale.ROOT)
                                .contains("connection reset"));
    }

    private Future<HttpClientResponse> attempt(GatewayRequest r, GatewayCall call) {
        RequestOptions options = new RequestOptions()
                .setMethod(r.method())
                .setHost(host)
                .setPort(port)
                .setSsl(ssl)
                .setURI(basePath + r.path())
                .setConnectTimeout(connectTimeoutMillis)
                // Also bounds the silence between two chunks of a stream.
                .setIdleTimeout(timeoutMillis)
                .setHeaders(r.headers());
        if (authorization != null && !r.headers().contains("authorization")) {
            // a call of an app with a gateway key of its own carries that key instead
            options.putHeader("authorization", authorization);
        }
        return http.request(options).compose(request -> {
            call.attach(request);
            Future<HttpClientResponse> sent = r.stream() != null
                    ? request.send(r.stream())
                    : r.body() == null ? request.send() : request.send(r.body());
            return sent.map(response -> {
                response.pause();
                // A failure while paused would otherwise be lost; the call keeps it for whoever relays the body.
                response.exceptionHandler(call::failed);
                return response;
            });
        });
    }

    /** A GET with a short timeout whose body is drained; completes with the status code. */
    Future<Integer> probe(String path, long timeoutMillis) {
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.GET)
                .setHost(host)
                .setPort(port)
                .setSsl(ssl)
                .setURI(basePath + path)
                .setConnectTimeout(timeoutMillis)
                .setIdleTimeout(timeoutMillis);
        return http.request(options)
                .compose(request -> request.send())
                .compose(response -> response.body().map(body -> response.statusCode()));
    }

    /** A GET with the given credential and a short timeout (the gateway key is not sent); reads the whole body. */
    Future<GatewayAnswer> get(String path, String authorization, long timeoutMillis) {
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.GET)
                .setHost(host)
                .setPort(port)
                .setSsl(ssl)
                .setURI(basePath + path)
                .setConnectTimeout(timeoutMillis)
                .setIdleTimeout(timeoutMillis)
                .putHeader("authorization", authorization);
        return http.request(options)
                .compose(request -> request.send())
                .compose(response -> response.body().map(body -> new GatewayAnswer(response.statusCode(), body)));
    }

    @PreDestroy
    void close() {
        http.close();
    }
}
