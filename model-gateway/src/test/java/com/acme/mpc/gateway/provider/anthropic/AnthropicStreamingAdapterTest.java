package com.acme.mpc.gateway.provider.anthropic;

import static com.acme.mpc.gateway.provider.anthropic.AnthropicFixtures.call;
import static com.acme.mpc.gateway.provider.anthropic.AnthropicFixtures.deployment;
import static com.acme.mpc.gateway.provider.anthropic.AnthropicFixtures.json;
import static com.acme.mpc.gateway.provider.anthropic.AnthropicFixtures.reassemble;
import static com.acme.mpc.gateway.provider.anthropic.AnthropicFixtures.text;
import static com.acme.mpc.gateway.provider.anthropic.AnthropicFixtures.translate;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.acme.mpc.gateway.config.Deployment;
import com.acme.mpc.gateway.core.GatewayException;
import com.acme.mpc.gateway.core.OpenAiShapes;
import com.acme.mpc.gateway.provider.http.UpstreamHttp;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smallrye.mutiny.helpers.test.AssertSubscriber;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Streams served by a Vert.x server that controls the TCP writes: events split across writes, pauses between them,
 * an error event after 200 and a connection that ends early.
 */
class AnthropicStreamingAdapterTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String REQUEST = """
            {"model":"claude-sonnet-4-5-20250929","stream":true,"stream_options":{"include_usage":true},
             "messages":[{"role":"user","content":"Hi"}]}
            """;

    private static Vertx vertx;
    private static HttpServer server;
    private static AnthropicAdapter adapter;
    private static Deployment deployment;
    private static final AtomicReference<Consumer<HttpServerResponse>> script = new AtomicReference<>();
    private static final List<String> requestBodies = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        server = vertx.createHttpServer()
                .requestHandler(req -> req.body().onSuccess(body -> {
                    synchronized (requestBodies) {
                        requestBodies.add(body.toString());
                    }
                    HttpServerResponse resp = req.response()
                            .setChunked(true)
                            .putHeader("content-type", "text/event-stream; charset=utf-8");
                    script.get().accept(resp);
                }))
                .listen(0, "127.0.0.1")
                .toCompletionStage()
                .toCompletableFuture()
                .get();
        adapter = new AnthropicAdapter(new UpstreamHttp(vertx));
        deployment = deployment(URI.create("http://127.0.0.1:" + server.actualPort()));
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get();
    }

    /** Writes the pieces one TCP write at a time, {@code delayMs} apart, then ends the response. */
    private static void writeSlowly(HttpServerResponse resp, List<byte[]> pieces, long delayMs) {
        if (pieces.isEmpty()) {
            resp.end();
            return;
        }
        resp.write(Buffer.buffer(pieces.get(0)))
                .onComplete(v ->
                        vertx.setTimer(delayMs, t -> writeSlowly(resp, pieces.subList(1, pieces.size()), delayMs)));
    }

    /** Cuts every SSE event in two, in the middle of its data line, so no write carries a whole event. */
    private static List<byte[]> splitEvents(String sse) {
        List<byte[]> pieces = new ArrayList<>();
        for (String event : sse.split("(?<=\n\n)")) {
            int cut = event.indexOf("data: ") + 12;
            if (cut < 12 || cut >= event.length()) {
                pieces.add(event.getBytes(StandardCharsets.UTF_8));
            } else {
                pieces.add(event.substring(0, cut).getBytes(StandardCharsets.UTF_8));
                pieces.add(event.substring(cut).getBytes(StandardCharsets.UTF_8));
            }
        }
        return pieces;
    }

    private static AssertSubscriber<ObjectNode> subscribe() {
        return adapter.streamChat(call(deployment, json(REQUEST)))
                .subscribe()
                .withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
    }

    /** The same chunks whatever the clock said; {@code created} is the only field that depends on when. */
    private static List<ObjectNode> withoutCreated(List<ObjectNode> chunks) {
        return chunks.stream().map(c -> c.deepCopy().put("created", 0)).toList();
    }

    @Test
    void eventsSplitAcrossWritesTranslateLikeTheWholeStream() {
        String sse = text("stream-tool-use.sse");
        script.set(resp -> writeSlowly(resp, splitEvents(sse), 3));
        AssertSubscriber<ObjectNode> sub = subscribe().awaitCompletion(WAIT);
        assertEquals(withoutCreated(translate(sse, Integer.MAX_VALUE)), withoutCreated(sub.getItems()));
        synchronized (requestBodies) {
            ObjectNode sent = json(requestBodies.get(requestBodies.size() - 1));
            assertTrue(sent.path("stream").asBoolean());
            assertFalse(sent.has("stream_options"), "Anthropic always streams usage and rejects stream_options");
        }
    }

    @Test
    void aWriteBoundaryInsideAMultiByteCharacterIsHarmless() {
        String text = "Grüße 👋 — fin";
        String sse = text("stream-text.sse")
                .replace("\" you today?\"", json("{}").put("t", text).get("t").toString());
        byte[] bytes = sse.getBytes(StandardCharsets.UTF_8);
        int emoji = indexOf(bytes, "👋".getBytes(StandardCharsets.UTF_8));
        assertTrue(emoji > 0);
        List<byte[]> pieces =
                List.of(Arrays.copyOfRange(bytes, 0, emoji + 2), Arrays.copyOfRange(bytes, emoji + 2, bytes.length));
        script.set(resp -> writeSlowly(resp, pieces, 20));
        AssertSubscriber<ObjectNode> sub = subscribe().awaitCompletion(WAIT);
        assertEquals(
                "Hello! How can I help" + text,
                reassemble(sub.getItems()).path("message").path("content").asText());
    }

    @Test
    void chunksAreRelayedBeforeTheUpstreamFinishes() {
        String sse = text("stream-text.sse");
        int split = sse.indexOf(
                "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\" How");
        Promise<Void> gate = Promise.promise();
        script.set(resp -> resp.write(sse.substring(0, split))
                .compose(v -> gate.future())
                .onComplete(v -> resp.end(sse.substring(split))));
        AssertSubscriber<ObjectNode> sub = subscribe();
        // role chunk and "Hello!" must arrive while the upstream still holds the rest back
        sub.awaitItems(2, WAIT);
        assertEquals(
                "Hello!",
                sub.getItems()
                        .get(1)
                        .path("choices")
                        .get(0)
                        .path("delta")
                        .path("content")
                        .asText());
        assertFalse(sub.getItems().stream().anyMatch(OpenAiShapes::isUsageChunk));
        vertx.runOnContext(v -> gate.tryComplete());
        sub.awaitCompletion(WAIT);
        assertTrue(OpenAiShapes.isUsageChunk(sub.getItems().get(sub.getItems().size() - 1)));
    }

    @Test
    void errorEventAfter200FailsTheStreamAsARetriableOverload() {
        script.set(resp -> writeSlowly(resp, splitEvents(text("stream-error-after-200.sse")), 3));
        AssertSubscriber<ObjectNode> sub = subscribe().awaitFailure(WAIT);
        GatewayException e = assertInstanceOf(GatewayException.class, sub.getFailure());
        assertEquals(529, e.status());
        assertEquals("overloaded", e.code());
        assertTrue(e.retriable());
        assertTrue(sub.getItems().isEmpty(), "an overload before any content fails before the first chunk");
    }

    @Test
    void upstreamClosingBeforeMessageStopFailsTheStream() {
        String sse = text("stream-text.sse");
        String cut = sse.substring(0, sse.indexOf("event: message_delta"));
        script.set(resp -> writeSlowly(resp, splitEvents(cut), 2));
        AssertSubscriber<ObjectNode> sub = subscribe().awaitFailure(WAIT);
        GatewayException e = assertInstanceOf(GatewayException.class, sub.getFailure());
        assertEquals(502, e.status());
        assertEquals("upstream_stream_truncated", e.code());
        assertEquals(4, sub.getItems().size(), "role and three text chunks were relayed");
    }

    @Test
    void cacheUsageReachesTheFinalChunkThroughTheAdapter() {
        script.set(resp -> writeSlowly(resp, splitEvents(text("stream-cache.sse")), 1));
        List<ObjectNode> items = subscribe().awaitCompletion(WAIT).getItems();
        ObjectNode last = items.get(items.size() - 1);
        assertTrue(OpenAiShapes.isUsageChunk(last));
        assertEquals(2059, last.path("usage").path("prompt_tokens").asLong());
        assertEquals(16, last.path("usage").path("completion_tokens").asLong());
        assertEquals(
                1850,
                last.path("usage")
                        .path("prompt_tokens_details")
                        .path("cached_tokens")
                        .asLong());
        assertEquals(
                188,
                last.path("usage")
                        .path("prompt_tokens_details")
                        .path("cache_creation_tokens")
                        .asLong());
        assertEquals(
                "length",
                items.get(items.size() - 2)
                        .path("choices")
                        .get(0)
                        .path("finish_reason")
                        .asText());
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
