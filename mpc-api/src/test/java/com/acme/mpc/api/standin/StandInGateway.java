package com.acme.mpc.api.standin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A local HTTP server that speaks model-gateway's API (OpenAI JSON, SSE framing, OpenAI errors; Anthropic's Messages
 * API and errors on /v1/messages) and cost-tracker's /spend/usage, with behaviours chosen by the request's model name:
 *
 * <ul>
 *   <li>{@code hang}: never answers;
 *   <li>{@code drop}: closes the connection without answering;
 *   <li>{@code drop-once}: closes the connection without answering the first request of each x-request-id, answers
 *       the next (a keep-alive connection the gateway closed as it was reused);
 *   <li>{@code bad-request}, {@code server-error}: a 400 / 500 OpenAI error;
 *   <li>{@code broken-stream}, {@code broken-stream-at-once}: send the first SSE chunk, then close the
 *       connection (20 ms later, or at once);
 *   <li>{@code gated-stream} with stream=true: sends the first chunk, then SSE comments every 300 ms
 *       until {@link #openGate()};
 *   <li>anything else: the recorded answer, streamed with short pauses when stream=true.
 * </ul>
 *
 * Every request is recorded, and every stream tells whether it was finished or cut off by the client.
 */
public final class StandInGateway {

    public enum HealthMode {
        OK,
        HANG,
        FAIL
    }

    /** A request as the stand-in received it. */
    public record Received(String method, String path, String query, MultiMap headers, String body) {
        public JsonNode json() {
            try {
                return MAPPER.readTree(body);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** How a stream ended: true when all chunks were sent, false when the connection went away first. */
    public record StreamOutcome(CompletableFuture<Boolean> finished) {}

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** A gateway virtual key the stand-in knows, with the alias "alpha". */
    public static final String KEY_ALPHA = "sk-virtual-alpha";

    /** A gateway virtual key the stand-in knows, without an alias. */
    public static final String KEY_NO_ALIAS = "sk-virtual-no-alias";

    private static StandInGateway instance;

    private final Vertx vertx = Vertx.vertx();
    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Map<String, StreamOutcome> streams = new ConcurrentHashMap<>();
    private final AtomicReference<CompletableFuture<Void>> gate = new AtomicReference<>(new CompletableFuture<>());
    private final List<CompletableFuture<Void>> hungClosed = new CopyOnWriteArrayList<>();
    private final java.util.Set<String> droppedOnce = ConcurrentHashMap.newKeySet();
    private volatile HealthMode healthMode = HealthMode.OK;

    private StandInGateway() throws Exception {
        server = vertx.createHttpServer()
                .requestHandler(this::handle)
                .listen(0, "127.0.0.1")
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
    }

    /** The running stand-in, started on first use. */
    public static synchronized StandInGateway get() {
        if (instance == null) {
            try {
                instance = new StandInGateway();
            } catch (Exception e) {
                throw new IllegalStateException("stand-in gateway did not start", e);
            }
        }
        return instance;
    }

    public static synchronized void stop() {
        if (instance != null) {
            instance.vertx.close();
            instance = null;
        }
    }

    public String url() {
        return "http://127.0.0.1:" + server.actualPort();
    }

    public void reset() {
        received.clear();
        droppedOnce.clear();
        streams.clear();
        hungClosed.clear();
        gate.set(new CompletableFuture<>());
        healthMode = HealthMode.OK;
    }

    public void healthMode(HealthMode mode) {
        this.healthMode = mode;
    }

    public void openGate() {
        gate.get().complete(null);
    }

    public List<Received> received(String path) {
        return received.stream().filter(r -> r.path().equals(path)).toList();
    }

    public Received last(String path) {
        List<Received> matching = received(path);
        if (matching.isEmpty()) {
            throw new AssertionError("the stand-in gateway received no request on " + path);
        }
        return matching.get(matching.size() - 1);
    }

    /** The outcome of the stream of the request with this x-request-id. */
    public StreamOutcome stream(String requestId) {
        return streams.get(requestId);
    }

    /** Completes when the connection of a request that was left hanging is closed by mpc-api. */
    public List<CompletableFuture<Void>> hungConnectionsClosed() {
        return hungClosed;
    }

    private void handle(HttpServerRequest request) {
        request.body().onSuccess(buffer -> {
            String body = buffer.toString();
            MultiMap headers = MultiMap.caseInsensitiveMultiMap().addAll(request.headers());
            received.add(new Received(request.method().name(), request.path(), request.query(), headers, body));
            HttpServerResponse response = request.response();
            response.putHeader("x-request-id", String.valueOf(headers.get("x-request-id")));
            if (media(request, response)) {
                return;
            }
            switch (request.path()) {
                case "/health/liveliness" -> health(response);
                case "/v1/models" -> json(response, 200, Recorded.MODELS);
                case "/v1/chat/completions" -> chat(request, response, body);
                case "/v1/completions" -> json(response, 200, Recorded.TEXT_COMPLETION);
                case "/v1/embeddings" -> json(response, 200, Recorded.EMBEDDING);
                case "/v1/messages" -> messages(request, response, body);
                case "/v1/messages/count_tokens" -> json(response, 200, "{\"input_tokens\":12}");
                case "/spend/usage" -> usage(request, response);
                case "/key/info" -> keyInfo(request, response);
                default -> {
                    if (request.path().startsWith("/v1/responses")) {
                        responses(request, response, body);
                    } else {
                        json(response, 404, Recorded.error("Not Found", "invalid_request_error", "404"));
                    }
                }
            }
        });
    }

    /** OpenAI's Responses API as model-gateway answers it: create (JSON or events), retrieve, list, cancel, delete. */
    private void responses(HttpServerRequest request, HttpServerResponse response, String body) {
        String path = request.path();
        if (path.equals("/v1/responses")) {
            if (body.contains("\"stream\":true")) {
                response.setChunked(true).putHeader("content-type", "text/event-stream");
                Recorded.RESPONSE_STREAM.forEach(response::write);
                response.end();
            } else {
                json(response, 200, Recorded.RESPONSE);
            }
        } else if (path.endsWith("/input_items")) {
            json(
                    response,
                    200,
                    "{\"object\":\"list\",\"data\":[],\"first_id\":null,\"last_id\":null," + "\"has_more\":false}");
        } else if (path.endsWith("/cancel")) {
            json(
                    response,
                    400,
                    Recorded.error("Only background responses can be cancelled", "invalid_request_error", null));
        } else if (path.equals("/v1/responses/resp_missing")) {
            json(
                    response,
                    404,
                    Recorded.error("Response with id 'resp_missing' not found.", "invalid_request_error", null));
        } else if (request.method().name().equals("DELETE")) {
            json(response, 200, "{\"id\":\"resp_1\",\"object\":\"response\",\"deleted\":true}");
        } else {
            json(response, 200, Recorded.RESPONSE);
        }
    }

    /**
     * LiteLLM's /key/info asked with the key itself: {@link #KEY_ALPHA} has the alias "alpha", {@link #KEY_NO_ALIAS}
     * none; any other key is unknown (401).
     */
    private static void keyInfo(HttpServerRequest request, HttpServerResponse response) {
        String auth = String.valueOf(request.getHeader("authorization"));
        if (auth.equals("Bearer " + KEY_ALPHA)) {
            json(response, 200, "{\"key\":\"hashed\",\"info\":{\"key_alias\":\"alpha\",\"spend\":0}}");
        } else if (auth.equals("Bearer " + KEY_NO_ALIAS)) {
            json(response, 200, "{\"key\":\"hashed\",\"info\":{\"key_alias\":null}}");
        } else {
            json(response, 401, Recorded.error("Authentication Error, invalid key", "auth_error", "401"));
        }
    }

    /** Bytes of the stand-in's speech answer (binary, chunked, as OpenAI's audio/mpeg). */
    public static final int SPEECH_BYTES = 64 * 1024;

    /** The media routes (images, audio, moderations, rerank, models/{id}, Azure paths), in OpenAI's formats. */
    private static boolean media(HttpServerRequest request, HttpServerResponse response) {
        String path = request.path();
        if (path.startsWith("/v1/models/")) {
            String id = java.net.URLDecoder.decode(
                    path.substring("/v1/models/".length()), java.nio.charset.StandardCharsets.UTF_8);
            json(response, 200, "{\"id\":\"" + id + "\",\"object\":\"model\",\"created\":1,\"owned_by\":\"openai\"}");
            return true;
        }
        if (path.startsWith("/openai/deployments/")) {
            json(response, 200, Recorded.CHAT_COMPLETION);
            return true;
        }
        switch (path) {
            case "/v1/images/generations", "/v1/images/edits" ->
                json(response, 200, "{\"created\":1733500000,\"data\":[{\"url\":\"https://images.example/fox.png\"}]}");
            case "/v1/audio/transcriptions", "/v1/audio/translations" ->
                json(
                        response,
                        200,
                        "{\"text\":\"Hello from the stand-in.\",\"usage\":{\"type\":\"duration\",\"seconds\":3}}");
            case "/v1/audio/speech" -> {
                response.setChunked(true).putHeader("content-type", "audio/mpeg");
                byte[] chunk = new byte[8 * 1024];
                java.util.Arrays.fill(chunk, (byte) 0x55);
                for (int i = 0; i < SPEECH_BYTES / chunk.length; i++) {
                    response.write(io.vertx.core.buffer.Buffer.buffer(chunk));
                }
                response.end();
            }
            case "/v1/moderations" ->
                json(
                        response,
                        200,
                        "{\"id\":\"modr-1\",\"model\":\"omni-moderation-latest\",\"results\":[{\"flagged\":false}]}");
            case "/v1/rerank", "/v2/rerank" ->
                json(
                        response,
                        200,
                        "{\"id\":\"r-1\",\"results\":[{\"index\":1,\"relevance_score\":0.98}],"
                                + "\"meta\":{\"billed_units\":{\"search_units\":1}}}");
            default -> {
                return false;
            }
        }
        return true;
    }

    private void health(HttpServerResponse response) {
        switch (healthMode) {
            case OK -> response.end("\"I'm alive!\"");
            case FAIL -> response.setStatusCode(503).end("{\"status\":\"shutting_down\"}");
            case HANG -> {
                // no answer
            }
        }
    }

    private void chat(HttpServerRequest request, HttpServerResponse response, String body) {
        JsonNode json;
        try {
            json = MAPPER.readTree(body);
        } catch (IOException e) {
            json(response, 400, Recorded.error("invalid JSON", "invalid_request_error", null));
            return;
        }
        String model = json.path("model").asText();
        switch (model) {
            case "hang" -> {
                CompletableFuture<Void> closed = new CompletableFuture<>();
                hungClosed.add(closed);
                request.connection().closeHandler(v -> closed.complete(null));
            }
            case "drop" -> request.connection().close();
            case "drop-once" -> {
                if (droppedOnce.add(String.valueOf(request.getHeader("x-request-id")))) {
                    request.connection().close();
                } else {
                    json(response, 200, Recorded.CHAT_COMPLETION);
                }
            }
            case "bad-request" -> {
                response.putHeader("x-litellm-call-id", "call-400");
                json(
                        response,
                        400,
                        Recorded.error(
                                "Invalid value for 'temperature': must be <= 2",
                                "invalid_request_error",
                                "invalid_value"));
            }
            case "server-error" -> json(response, 500, Recorded.error("upstream exploded", "api_error", null));
            case "broken-stream" -> {
                response.setChunked(true).putHeader("content-type", "text/event-stream");
                response.write(Recorded.CHAT_STREAM.get(0));
                vertx.setTimer(20, t -> request.connection().close());
            }
            case "broken-stream-at-once" -> {
                // Head, first chunk and close arrive together, while mpc-api still holds the response paused.
                response.setChunked(true).putHeader("content-type", "text/event-stream");
                response.write(Recorded.CHAT_STREAM.get(0))
                        .onComplete(w -> request.connection().close());
            }
            default -> {
                if (json.path("stream").asBoolean(false)) {
                    stream(response, request.getHeader("x-request-id"), "gated-stream".equals(model));
                } else {
                    json(response, 200, Recorded.CHAT_COMPLETION);
                }
            }
        }
    }

    /** Anthropic's Messages API, as model-gateway answers it; the behaviours by model name as for chat. */
    private void messages(HttpServerRequest request, HttpServerResponse response, String body) {
        JsonNode json;
        try {
            json = MAPPER.readTree(body);
        } catch (IOException e) {
            json(response, 400, Recorded.anthropicError("invalid_request_error", "invalid JSON"));
            return;
        }
        switch (json.path("model").asText()) {
            case "drop" -> request.connection().close();
            case "no-such-model" ->
                json(response, 404, Recorded.anthropicError("not_found_error", "model 'no-such-model' not found"));
            case "overloaded" -> json(response, 529, Recorded.anthropicError("overloaded_error", "Overloaded"));
            case "broken-stream" -> {
                response.setChunked(true).putHeader("content-type", "text/event-stream");
                response.write(Recorded.MESSAGE_STREAM.get(0));
                vertx.setTimer(20, t -> request.connection().close());
            }
            default -> {
                if (json.path("stream").asBoolean(false)) {
                    StreamOutcome outcome = new StreamOutcome(new CompletableFuture<>());
                    streams.put(String.valueOf(request.getHeader("x-request-id")), outcome);
                    response.setChunked(true).putHeader("content-type", "text/event-stream");
                    response.write(Recorded.MESSAGE_STREAM.get(0));
                    vertx.setTimer(15, t -> sendRest(response, Recorded.MESSAGE_STREAM, 1, outcome));
                } else {
                    json(response, 200, Recorded.MESSAGE);
                }
            }
        }
    }

    private void stream(HttpServerResponse response, String requestId, boolean gated) {
        StreamOutcome outcome = new StreamOutcome(new CompletableFuture<>());
        streams.put(String.valueOf(requestId), outcome);
        response.closeHandler(v -> outcome.finished().complete(false));
        response.setChunked(true).putHeader("content-type", "text/event-stream").putHeader("cache-control", "no-cache");
        List<String> chunks = Recorded.CHAT_STREAM;
        response.write(chunks.get(0));
        CompletableFuture<Void> release = gated ? gate.get() : CompletableFuture.completedFuture(null);
        // SSE comments while gated keep mpc-api's idle timeout from firing: only a cancel closes the stream early.
        long keepAlive = gated
                ? vertx.setPeriodic(300, t -> {
                    if (!response.closed()) {
                        response.write(": keep-alive\n\n");
                    }
                })
                : -1;
        // A forgotten gate must not hang the build.
        release.orTimeout(20, TimeUnit.SECONDS)
                .whenComplete((v, e) -> vertx.runOnContext(x -> {
                    vertx.cancelTimer(keepAlive);
                    sendRest(response, chunks, 1, outcome);
                }));
    }

    private void sendRest(HttpServerResponse response, List<String> chunks, int next, StreamOutcome outcome) {
        if (response.closed() || outcome.finished().isDone()) {
            return;
        }
        if (next == chunks.size()) {
            response.end();
            outcome.finished().complete(true);
            return;
        }
        response.write(chunks.get(next));
        vertx.setTimer(15, t -> sendRest(response, chunks, next + 1, outcome));
    }

    private void usage(HttpServerRequest request, HttpServerResponse response) {
        String endUser = request.getParam("end_user");
        if ("broken".equals(endUser)) {
            json(response, 500, Recorded.error("database down", "api_error", null));
            return;
        }
        json(
                response,
                200,
                Recorded.usage(
                        endUser, request.getParam("from"), request.getParam("to"), request.getParam("group_by")));
    }

    private static void json(HttpServerResponse response, int status, String body) {
        response.setStatusCode(status)
                .putHeader("content-type", "application/json")
                .end(body);
    }
}
