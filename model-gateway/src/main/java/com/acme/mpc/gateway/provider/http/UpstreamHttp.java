package com.acme.mpc.gateway.provider.http;

import com.acme.mpc.gateway.core.GatewayException;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.ConnectException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Non-blocking HTTP towards providers, on the Vert.x event loop with pooled keep-alive connections. Bodies are sent
 * and received as raw buffers; streams are parsed incrementally and relayed as they arrive. Cancelling a returned
 * Multi (client gone) resets the upstream request, so the provider stops generating.
 */
@ApplicationScoped
public class UpstreamHttp {
    private final HttpClient client;

    public UpstreamHttp(Vertx vertx) {
        this.client = vertx.createHttpClient(
                new HttpClientOptions()
                        .setKeepAlive(true)
                        .setTcpNoDelay(true)
                        .setConnectTimeout(10_000)
                        .setDecompressionSupported(true),
                new PoolOptions().setHttp1MaxSize(512));
    }

    @PreDestroy
    void close() {
        client.close();
    }

    /**
     * Writes a request body that is not one buffer (a spooled upload, streamed from disk with back-pressure): called
     * once per attempt with the open request; ends the request when the body is written.
     */
    public interface BodyWriter {
        void write(HttpClientRequest request);
    }

    /** An answer whose head is in and whose body has not been read yet (paused): relayed as it comes. */
    public record OpenResponse(HttpClientRequest request, HttpClientResponse response) {}

    /** POSTs {@code body} and completes with the whole answer; non-2xx fails with {@link UpstreamStatusException}. */
    public Uni<UpstreamResponse> post(URI url, MultiMap headers, Buffer body, Duration timeout) {
        return send(HttpMethod.POST, url, headers, whole(body), timeout);
    }

    /** As {@link #post(URI, MultiMap, Buffer, Duration)} with a body written by {@code body}. */
    public Uni<UpstreamResponse> post(URI url, MultiMap headers, BodyWriter body, Duration timeout) {
        return send(HttpMethod.POST, url, headers, body, timeout);
    }

    public Uni<UpstreamResponse> get(URI url, MultiMap headers, Duration timeout) {
        return send(HttpMethod.GET, url, headers, whole(null), timeout);
    }

    public Uni<UpstreamResponse> delete(URI url, MultiMap headers, Duration timeout) {
        return send(HttpMethod.DELETE, url, headers, whole(null), timeout);
    }

    /**
     * POSTs {@code body} and completes as soon as a 2xx head arrives, with the body paused for the caller to relay (a
     * binary answer such as speech); non-2xx fails with {@link UpstreamStatusException}. {@code timeout} bounds the
     * wait for the head and the silence between body chunks.
     */
    public Uni<OpenResponse> open(URI url, MultiMap headers, Buffer body, Duration timeout) {
        AtomicReference<HttpClientRequest> pending = new AtomicReference<>();
        Uni<OpenResponse> uni = Uni.createFrom().emitter(emitter -> {
            Consumer<Throwable> fail = failUnlessTerminated(emitter);
            exchange(HttpMethod.POST, url, headers, whole(body), timeout, pending, fail, (request, r) -> {
                if (r.statusCode() / 100 == 2) {
                    r.pause();
                    emitter.complete(new OpenResponse(request, r));
                    return;
                }
                r.body()
                        .onComplete(br -> fail.accept(new UpstreamStatusException(
                                r.statusCode(),
                                r.headers(),
                                br.succeeded() ? br.result().toString() : "")));
            });
        });
        return uni.onCancellation().invoke(() -> {
            HttpClientRequest r = pending.get();
            if (r != null) {
                r.reset();
            }
        });
    }

    /**
     * Fails the Uni unless it has ended (cancelled by a client gone or a timeout): the cancellation resets the request,
     * and the reset's own connection error must not reach a Uni nobody waits on (Mutiny would log it as a dropped
     * exception). Call once per emitter: it takes the emitter's termination callback.
     */
    private static Consumer<Throwable> failUnlessTerminated(UniEmitter<?> emitter) {
        AtomicBoolean ended = new AtomicBoolean();
        emitter.onTermination(() -> ended.set(true));
        return t -> {
            if (!ended.get()) {
                emitter.fail(t);
            }
        };
    }

    private static BodyWriter whole(Buffer body) {
        return request -> {
            if (body == null) {
                request.end();
            } else {
                request.end(body);
            }
        };
    }

    private Uni<UpstreamResponse> send(
            HttpMethod method, URI url, MultiMap headers, BodyWriter body, Duration timeout) {
        AtomicReference<HttpClientRequest> pending = new AtomicReference<>();
        Uni<UpstreamResponse> uni = Uni.createFrom().emitter(emitter -> {
            Consumer<Throwable> fail = failUnlessTerminated(emitter);
            exchange(
                    method,
                    url,
                    headers,
                    body,
                    timeout,
                    pending,
                    fail,
                    (request, response) -> response.body().onComplete(br -> {
                        if (br.failed()) {
                            fail.accept(connectionFailure(br.cause(), url));
                        } else if (response.statusCode() / 100 != 2) {
                            fail.accept(new UpstreamStatusException(
                                    response.statusCode(),
                                    response.headers(),
                                    br.result().toString()));
                        } else {
                            emitter.complete(
                                    new UpstreamResponse(response.statusCode(), response.headers(), br.result()));
                        }
                    }));
        });
        Uni<UpstreamResponse> cancellable = uni.onCancellation().invoke(() -> {
            HttpClientRequest r = pending.get();
            if (r != null) {
                r.reset();
            }
        });
        if (timeout == null) {
            return cancellable;
        }
        return cancellable
                .ifNoItem()
                .after(timeout)
                .failWith(() -> new GatewayException(
                        408,
                        "timeout",
                        "upstream " + url.getHost() + " did not answer within " + timeout.toMillis() + " ms",
                        null,
                        "upstream_timeout",
                        true));
    }

    /**
     * POSTs {@code body} and emits the answer's chunks as they arrive to {@code onChunk}; the returned Multi emits
     * whatever the chunk consumer produces through {@link StreamDriver}. {@code idleTimeout} bounds both the wait for
     * the first byte and the silence between chunks.
     */
    public <T> Multi<T> stream(URI url, MultiMap headers, Buffer body, Duration idleTimeout, StreamDriver<T> driver) {
        return Multi.createFrom().emitter(emitter -> {
            AtomicReference<HttpClientRequest> pending = new AtomicReference<>();
            // only a real cancellation (client gone) resets the request: Mutiny also reports a completed emitter as
            // cancelled, and resetting after a normal end closed the keep-alive connection of every stream
            emitter.onCancellation(() -> {
                HttpClientRequest r = pending.get();
                if (r != null) {
                    r.reset();
                }
            });
            StreamDriver.Output<T> out = new StreamDriver.Output<>() {
                @Override
                public void emit(T item) {
                    emitter.emit(item);
                }

                @Override
                public void fail(Throwable failure) {
                    emitter.fail(failure);
                    // the provider would otherwise keep generating into a response nobody reads; the reset comes
                    // after the failure so its own connection error cannot replace the real cause
                    HttpClientRequest r = pending.get();
                    if (r != null) {
                        r.reset();
                    }
                }
            };
            exchange(
                    HttpMethod.POST,
                    url,
                    headers,
                    whole(body),
                    idleTimeout,
                    pending,
                    t -> {
                        if (!emitter.isCancelled()) {
                            emitter.fail(t);
                        }
                    },
                    (request, response) -> {
                        if (response.statusCode() / 100 != 2) {
                            response.body()
                                    .onComplete(br -> emitter.fail(new UpstreamStatusException(
                                            response.statusCode(),
                                            response.headers(),
                                            br.succeeded() ? br.result().toString() : "")));
                            return;
                        }
                        Consumer<byte[]> chunks = driver.start(out);
                        response.handler(buf -> {
                            if (emitter.isCancelled()) {
                                return;
                            }
                            try {
                                chunks.accept(buf.getBytes());
                            } catch (RuntimeException | LinkageError e) {
                                // a translator bug must end this stream with an error, never leave the client hanging
                                emitter.fail(e);
                                request.reset();
                            }
                        });
                        response.exceptionHandler(t -> {
                            if (!emitter.isCancelled()) {
                                emitter.fail(connectionFailure(t, url));
                            }
                        });
                        response.endHandler(v -> {
                            if (emitter.isCancelled()) {
                                return;
                            }
                            try {
                                driver.end(out);
                                emitter.complete();
                            } catch (RuntimeException | LinkageError e) {
                                emitter.fail(e);
                            }
                        });
                    });
        });
    }

    /**
     * Opens a pooled connection, sends the request and hands the response head to {@code onResponse} on the event
     * loop; connection-level failures (no status) go to {@code onFailure}. {@code pending} receives the request so
     * that a cancellation can reset it.
     */
    private void exchange(
            HttpMethod method,
            URI url,
            MultiMap headers,
            BodyWriter body,
            Duration timeout,
            AtomicReference<HttpClientRequest> pending,
            Consumer<Throwable> onFailure,
            BiConsumer<HttpClientRequest, HttpClientResponse> onResponse) {
        client.request(options(method, url, headers, timeout)).onComplete(ar -> {
            if (ar.failed()) {
                onFailure.accept(connectionFailure(ar.cause(), url));
                return;
            }
            HttpClientRequest request = ar.result();
            pending.set(request);
            request.response().onComplete(rr -> {
                if (rr.failed()) {
                    onFailure.accept(connectionFailure(rr.cause(), url));
                } else {
                    onResponse.accept(request, rr.result());
                }
            });
            body.write(request);
        });
    }

    private static RequestOptions options(HttpMethod method, URI url, MultiMap headers, Duration timeout) {
        RequestOptions o = new RequestOptions().setMethod(method).setAbsoluteURI(url.toString());
        if (headers != null) {
            o.setHeaders(headers);
        }
        if (timeout != null) {
            o.setIdleTimeout(timeout.toMillis());
        }
        return o;
    }

    /** Network-level failures: no status from the upstream. Timeouts map to 408, others to 502; both retriable. */
    static GatewayException connectionFailure(Throwable t, URI url) {
        if (t instanceof GatewayException g) {
            return g;
        }
        String host = url.getHost() + (url.getPort() > 0 ? ":" + url.getPort() : "");
        if (t instanceof TimeoutException || t.getClass().getSimpleName().contains("Timeout")) {
            return new GatewayException(
                    408, "timeout", "upstream " + host + " timed out", null, "upstream_timeout", true);
        }
        var dns = UpstreamHostNames.dnsFailure(t);
        if (dns.isPresent()) {
            String provider = UpstreamHostNames.providerOf(url.getHost())
                    .map(p -> " (provider " + p + ")")
                    .orElse(" (the api_base of a deployment)");
            return new GatewayException(
                    502,
                    "api_connection_error",
                    "DNS lookup of upstream host " + url.getHost() + provider
                            + " failed: the name does not resolve from the gateway (check the machine's DNS and"
                            + " network access, or the deployment's api_base)",
                    null,
                    "upstream_dns_failure",
                    true);
        }
        String reason = t instanceof ConnectException ? "connection refused" : String.valueOf(t.getMessage());
        return new GatewayException(
                502,
                "api_connection_error",
                "upstream " + host + " unreachable: " + reason,
                null,
                "upstream_unreachable",
                true);
    }
}
