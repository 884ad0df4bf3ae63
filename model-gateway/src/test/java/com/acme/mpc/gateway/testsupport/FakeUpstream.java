package com.acme.mpc.gateway.testsupport;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * A real HTTP server on 127.0.0.1 that plays a provider: it records every request and answers with a scripted
 * behaviour chosen by the {@code model} of the request body (or a default). Behaviours serve recorded wire payloads,
 * stream SSE with real framing and delays, hang, or drop the connection mid-stream.
 */
public final class FakeUpstream implements AutoCloseable {
    /** One recorded request. */
    public record Recorded(String method, String path, String query, Map<String, String> headers, String body) {
        public JsonObject json() {
            return new JsonObject(body);
        }
    }

    private final Vertx vertx = Vertx.vertx();
    private final HttpServer server;
    private final List<Recorded> requests = new CopyOnWriteArrayList<>();
    private final Map<String, BiConsumer<HttpServerRequest, Recorded>> byModel = new ConcurrentHashMap<>();
    private volatile BiConsumer<HttpServerRequest, Recorded> fallback = (req, rec) -> json(req, 200, "{}");
    private final AtomicInteger closedConnections = new AtomicInteger();
    private final AtomicInteger openedConnections = new AtomicInteger();

    public FakeUpstream() {
        server = vertx.createHttpServer().requestHandler(this::handle);
        server.connectionHandler(conn -> {
            openedConnections.incrementAndGet();
            conn.closeHandler(v -> closedConnections.incrementAndGet());
        });
        try {
            server.listen(0, "127.0.0.1")
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start fake upstream", e);
        }
    }

    public int port() {
        return server.actualPort();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    public List<Recorded> requests() {
        return requests;
    }

    public Recorded lastRequest() {
        return requests.isEmpty() ? null : requests.get(requests.size() - 1);
    }

    public int openedConnections() {
        return openedConnections.get();
    }

    public int closedConnections() {
        return closedConnections.get();
    }

    public void reset() {
        requests.clear();
    }

    public FakeUpstream onModel(String model, BiConsumer<HttpServerRequest, Recorded> behaviour) {
        byModel.put(model, behaviour);
        return this;
    }

    public FakeUpstream otherwise(BiConsumer<HttpServerRequest, Recorded> behaviour) {
        this.fallback = behaviour;
        return this;
    }

    private void handle(HttpServerRequest req) {
        req.body().onSuccess(body -> {
            Map<String, String> headers = new ConcurrentHashMap<>();
            req.headers().forEach(e -> headers.put(e.getKey().toLowerCase(), e.getValue()));
            Recorded rec = new Recorded(req.method().name(), req.path(), req.query(), headers, body.toString());
            requests.add(rec);
            String model = null;
            try {
                model = body.length() > 0 ? new JsonObject(body).getString("model") : null;
            } catch (RuntimeException ignored) {
                // not JSON: use the fallback behaviour
            }
            // providers that name the model in the URL (Gemini, Bedrock) send none in the body
            (model == null ? fallback : byModel.getOrDefault(model, fallback)).accept(req, rec);
        });
    }

    // ---- behaviours ----

    public static BiConsumer<HttpServerRequest, Recorded> fixture(String path) {
        return (req, rec) -> json(req, 200, read(path));
    }

    public static BiConsumer<HttpServerRequest, Recorded> status(
            int status, String fixturePath, Map<String, String> headers) {
        return (req, rec) -> {
            headers.forEach((k, v) -> req.response().putHeader(k, v));
            json(req, status, read(fixturePath));
        };
    }

    /** Streams each SSE event of the fixture as its own TCP write, {@code gap} apart. */
    public static BiConsumer<HttpServerRequest, Recorded> sse(String path, Duration gap) {
        return (req, rec) -> {
            List<String> events = List.of(read(path).split("(?<=\n\n)"));
            req.response().setChunked(true).putHeader("content-type", "text/event-stream");
            writeEvents(req, events, 0, gap, false);
        };
    }

    /** The recorded chat completion, or the recorded chat stream when the request asks for one. */
    public static BiConsumer<HttpServerRequest, Recorded> chatOrStream() {
        BiConsumer<HttpServerRequest, Recorded> whole = fixture("fixtures/openai/chat-completion.json");
        BiConsumer<HttpServerRequest, Recorded> stream = sse("fixtures/openai/chat-stream.sse", Duration.ofMillis(1));
        return (req, rec) -> (rec.body().contains("\"stream\":true") ? stream : whole).accept(req, rec);
    }

    /** A 500 with an OpenAI error body. */
    public static BiConsumer<HttpServerRequest, Recorded> serverError() {
        return respond(500, "{\"error\":{\"message\":\"boom\",\"type\":\"server_error\",\"code\":null}}", Map.of());
    }

    /** Streams {@code keep} events of the fixture, then resets the connection. */
    public static BiConsumer<HttpServerRequest, Recorded> sseThenDrop(String path, int keep, Duration gap) {
        return (req, rec) -> {
            List<String> events = List.of(read(path).split("(?<=\n\n)")).subList(0, keep);
            req.response().setChunked(true).putHeader("content-type", "text/event-stream");
            writeEvents(req, events, 0, gap, true);
        };
    }

    /** Answers {@code status} with {@code body} (a JSON text) and the given headers. */
    public static BiConsumer<HttpServerRequest, Recorded> respond(
            int status, String body, Map<String, String> headers) {
        return (req, rec) -> {
            headers.forEach((k, v) -> req.response().putHeader(k, v));
            json(req, status, body);
        };
    }

    /** Closes the TCP connection without answering (a reset as the gateway sees it). */
    public static BiConsumer<HttpServerRequest, Recorded> resetConnection() {
        return (req, rec) -> req.connection().close();
    }

    /** Anthropic's 529 overloaded_error, as its API answers it. */
    public static BiConsumer<HttpServerRequest, Recorded> anthropicOverloaded() {
        return respond(
                529,
                "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"},"
                        + "\"request_id\":\"req_011CTest\"}",
                Map.of());
    }

    /**
     * The first {@code n} requests (counted by {@code counter}, which the test may reset) get {@code failing}, every
     * later one {@code then}.
     */
    public static BiConsumer<HttpServerRequest, Recorded> failFirst(
            AtomicInteger counter,
            int n,
            BiConsumer<HttpServerRequest, Recorded> failing,
            BiConsumer<HttpServerRequest, Recorded> then) {
        return (req, rec) -> (counter.getAndIncrement() < n ? failing : then).accept(req, rec);
    }

    /** How many recorded requests asked for {@code model}. */
    public long count(String model) {
        return requests.stream()
                .filter(r -> r.body().contains("\"model\":\"" + model + "\""))
                .count();
    }

    /** Never answers. */
    public static BiConsumer<HttpServerRequest, Recorded> hang() {
        return (req, rec) -> {};
    }

    private static void writeEvents(HttpServerRequest req, List<String> events, int i, Duration gap, boolean drop) {
        if (req.response().closed()) {
            return;
        }
        if (i == events.size()) {
            if (drop) {
                req.connection().close();
            } else {
                req.response().end();
            }
            return;
        }
        req.response().write(events.get(i));
        Vertx.currentContext()
                .owner()
                .setTimer(Math.max(1, gap.toMillis()), t -> writeEvents(req, events, i + 1, gap, drop));
    }

    public static void json(HttpServerRequest req, int status, String body) {
        req.response()
                .setStatusCode(status)
                .putHeader("content-type", "application/json")
                .end(Buffer.buffer(body));
    }

    public static String read(String classpath) {
        try (InputStream in = FakeUpstream.class.getClassLoader().getResourceAsStream(classpath)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + classpath);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        vertx.close()
                .toCompletionStage()
                .toCompletableFuture()
                .orTimeout(10, TimeUnit.SECONDS)
                .join();
    }
}
