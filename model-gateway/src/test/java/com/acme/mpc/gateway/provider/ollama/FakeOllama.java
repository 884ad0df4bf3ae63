package com.acme.mpc.gateway.provider.ollama;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A local HTTP server standing in for Ollama. It records each request and answers with a scripted status and body,
 * optionally written in several parts with a pause between them so that lines arrive split across network chunks.
 */
final class FakeOllama implements AutoCloseable {

    record Recorded(String method, String path, MultiMap headers, String body) {}

    private final Vertx vertx;
    private final HttpServer server;
    final List<Recorded> requests = new CopyOnWriteArrayList<>();
    private volatile int status = 200;
    private volatile String contentType = "application/json";
    private volatile MultiMap extraHeaders = MultiMap.caseInsensitiveMultiMap();
    private volatile List<byte[]> parts = List.of();
    private volatile long pauseMillis;

    private FakeOllama(Vertx vertx) throws Exception {
        this.vertx = vertx;
        this.server = vertx.createHttpServer()
                .requestHandler(req -> req.body().onSuccess(body -> {
                    requests.add(new Recorded(
                            req.method().name(),
                            req.path(),
                            MultiMap.caseInsensitiveMultiMap().addAll(req.headers()),
                            body.toString()));
                    HttpServerResponse resp = req.response().setStatusCode(status);
                    resp.headers().addAll(extraHeaders);
                    resp.putHeader("content-type", contentType);
                    resp.setChunked(true);
                    write(resp, parts, 0);
                }))
                .listen(0, "127.0.0.1")
                .toCompletionStage()
                .toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
    }

    static FakeOllama start(Vertx vertx) throws Exception {
        return new FakeOllama(vertx);
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.actualPort());
    }

    FakeOllama answer(int status, String contentType, byte[]... parts) {
        this.status = status;
        this.contentType = contentType;
        this.parts = List.of(parts);
        return this;
    }

    FakeOllama header(String name, String value) {
        extraHeaders = MultiMap.caseInsensitiveMultiMap().addAll(extraHeaders).add(name, value);
        return this;
    }

    FakeOllama pauseBetweenParts(long millis) {
        this.pauseMillis = millis;
        return this;
    }

    Recorded onlyRequest() {
        if (requests.size() != 1) {
            throw new AssertionError("expected one request, got " + requests.size());
        }
        return requests.getFirst();
    }

    private void write(HttpServerResponse resp, List<byte[]> remaining, int i) {
        if (i >= remaining.size()) {
            resp.end();
            return;
        }
        resp.write(Buffer.buffer(remaining.get(i)));
        if (pauseMillis > 0 && i + 1 < remaining.size()) {
            vertx.setTimer(pauseMillis, t -> write(resp, remaining, i + 1));
        } else {
            write(resp, remaining, i + 1);
        }
    }

    @Override
    public void close() throws Exception {
        server.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }
}
