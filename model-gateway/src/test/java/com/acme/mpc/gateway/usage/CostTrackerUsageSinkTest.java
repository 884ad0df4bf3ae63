package com.acme.mpc.gateway.usage;

import static org.assertj.core.api.Assertions.assertThat;

import com.acme.mpc.gateway.tracing.GatewayTracing;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Delivery against a real HTTP server on 127.0.0.1 that plays cost-tracker's {@code POST /usage/events}: stores each
 * request_id once (as the contract says), and can be told to fail.
 */
class CostTrackerUsageSinkTest {
    @TempDir
    Path dir;

    private Vertx vertx;
    private HttpServer server;
    /** Request ids in the order the server stored them (each once). */
    private final Set<String> stored = java.util.Collections.synchronizedSet(new LinkedHashSet<>());

    private final List<String> authHeaders = new CopyOnWriteArrayList<>();
    private final List<String> requestIdHeaders = new CopyOnWriteArrayList<>();
    private final List<String> traceparents = new CopyOnWriteArrayList<>();
    private final AtomicInteger posts = new AtomicInteger();
    private final AtomicInteger duplicates = new AtomicInteger();
    private volatile int failWith = 0;
    private volatile String rejectRequestId;

    @BeforeEach
    void startServer() throws Exception {
        vertx = Vertx.vertx();
        server = vertx.createHttpServer()
                .requestHandler(req -> req.body().onSuccess(body -> {
                    posts.incrementAndGet();
                    authHeaders.add(String.valueOf(req.getHeader("authorization")));
                    requestIdHeaders.add(String.valueOf(req.getHeader("x-request-id")));
                    traceparents.add(String.valueOf(req.getHeader("traceparent")));
                    if (failWith != 0) {
                        req.response().setStatusCode(failWith).end("{\"error\":{\"message\":\"down\"}}");
                        return;
                    }
                    JsonArray events = new JsonArray(body);
                    JsonArray rejected = new JsonArray();
                    int accepted = 0;
                    for (int i = 0; i < events.size(); i++) {
                        String id = events.getJsonObject(i).getString("request_id");
                        if (id.equals(rejectRequestId)) {
                            rejected.add(new JsonObject()
                                    .put("index", i)
                                    .put("field", "prompt_tokens")
                                    .put("message", "must be >= 0"));
                        } else if (stored.add(id)) {
                            accepted++;
                        } else {
                            duplicates.incrementAndGet();
                        }
                    }
                    JsonObject answer = new JsonObject()
                            .put("accepted", accepted)
                            .put("duplicates", 0)
                            .put("rejected", rejected);
                    if (!rejected.isEmpty()) {
                        answer.put("error", new JsonObject().put("message", "1 of n events rejected"));
                    }
                    req.response()
                            .setStatusCode(rejected.isEmpty() ? 200 : 400)
                            .putHeader("content-type", "application/json")
                            .end(answer.encode());
                }))
                .listen(0, "127.0.0.1")
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stopServer() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private CostTrackerUsageSink sink(URI url, int batchSize) throws Exception {
        return new CostTrackerUsageSink(
                url,
                "sk-master-for-test",
                dir,
                1 << 24,
                1 << 16,
                batchSize,
                10_000,
                Duration.ofMillis(50),
                Duration.ofMillis(200),
                Duration.ofSeconds(5),
                new SimpleMeterRegistry());
    }

    private URI url() {
        return URI.create("http://127.0.0.1:" + server.actualPort());
    }

    static UsageRecord record(String id) {
        Instant t = Instant.parse("2026-11-28T09:00:00Z");
        return new UsageRecord(
                id,
                "client-" + id,
                "chat_completion",
                t,
                null,
                t.plusMillis(5),
                null,
                null,
                null,
                null,
                null,
                null,
                "demo-chat",
                "gpt-4o-mini",
                "demo-chat-1",
                "mock",
                null,
                10,
                5,
                0,
                0,
                0,
                new BigDecimal("0.00000015"),
                new BigDecimal("0.0000006"),
                new BigDecimal("0.0000045"),
                5,
                null,
                "success",
                200,
                null,
                false,
                false,
                4_000_000,
                1_000_000);
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    @Test
    void deliversInOrderWithTheMasterKeyOnceTheServerRecovers() throws Exception {
        failWith = 503;
        List<String> ids = new ArrayList<>();
        try (CostTrackerUsageSink sink = sink(url(), 7)) {
            for (int i = 0; i < 40; i++) {
                String id = "req-" + i;
                ids.add(id);
                sink.record(record(id));
            }
            await(() -> posts.get() >= 2, "failed attempts");
            assertThat(stored).isEmpty();
            assertThat(sink.backlog()).isEqualTo(40);
            failWith = 0;
            await(() -> sink.backlog() == 0, "the spool to drain");
        }
        assertThat(new ArrayList<>(stored)).isEqualTo(ids);
        assertThat(authHeaders).allMatch("Bearer sk-master-for-test"::equals);
    }

    @Test
    void aBatchOfOneEventCarriesItsClientRequestIdAndALargerBatchABatchId() throws Exception {
        try (CostTrackerUsageSink sink = sink(url(), 5)) {
            sink.record(record("req-alone"));
            await(() -> stored.contains("req-alone"), "the single event");
            failWith = 503;
            for (int i = 0; i < 5; i++) {
                sink.record(record("req-batch-" + i));
            }
            await(() -> posts.get() >= 2, "the batch to be tried");
            failWith = 0;
            await(() -> sink.backlog() == 0, "the spool to drain");
        }
        // the client's x-request-id, which the other services logged, not the gateway's event id
        assertThat(requestIdHeaders.get(0)).isEqualTo("client-req-alone");
        assertThat(requestIdHeaders.get(requestIdHeaders.size() - 1)).startsWith("usage-batch-");
    }

    @Test
    void eachBatchIsARootSpanWhoseTraceparentReachesCostTracker() throws Exception {
        InMemorySpanExporter exporter = InMemorySpanExporter.create();
        OpenTelemetrySdk otel = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder()
                        .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                        .build())
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                .build();
        try (CostTrackerUsageSink sink = sink(url(), 5)) {
            sink.tracing(new GatewayTracing(otel, false));
            sink.record(record("req-traced"));
            await(() -> stored.contains("req-traced"), "the event");
            await(() -> !exporter.getFinishedSpanItems().isEmpty(), "the span");
        }
        SpanData span = exporter.getFinishedSpanItems().get(0);
        assertThat(span.getName()).isEqualTo("gateway.usage.delivery");
        assertThat(span.getParentSpanContext().isValid()).isFalse();
        assertThat(span.getAttributes().get(AttributeKey.longKey("gateway.usage.events")))
                .isEqualTo(1);
        assertThat(span.getAttributes().get(AttributeKey.longKey("http.response.status_code")))
                .isEqualTo(200);
        assertThat(traceparents.get(0)).isEqualTo("00-" + span.getTraceId() + "-" + span.getSpanId() + "-01");
    }

    @Test
    void recordsSpooledWhileCostTrackerIsDownAreDeliveredAfterARestart() throws Exception {
        // cost-tracker not running at all: a closed port
        URI closed = URI.create("http://127.0.0.1:1");
        try (CostTrackerUsageSink sink = sink(closed, 10)) {
            for (int i = 0; i < 25; i++) {
                sink.record(record("down-" + i));
            }
            await(() -> sink.spool().backlogRecords() == 25, "records in the spool");
        }
        try (CostTrackerUsageSink sink = sink(url(), 10)) {
            await(() -> sink.backlog() == 0, "the spool to drain after the restart");
        }
        assertThat(stored).hasSize(25);
        assertThat(new ArrayList<>(stored).get(0)).isEqualTo("down-0");
        assertThat(new ArrayList<>(stored).get(24)).isEqualTo("down-24");
    }

    @Test
    void aBatchAnsweredTooLateIsResentAndCountedOnceByTheServer() throws Exception {
        try (CostTrackerUsageSink sink = sink(url(), 5)) {
            // simulate a crash after the server stored a batch but before the spool committed it: same records again
            sink.record(record("dup-0"));
            sink.record(record("dup-1"));
            await(() -> sink.backlog() == 0, "first delivery");
        }
        // a new spool directory replays the same request ids, as a resend after a lost answer would
        Path other = Files.createTempDirectory(dir, "other");
        try (CostTrackerUsageSink sink = new CostTrackerUsageSink(
                url(),
                "k",
                other,
                1 << 20,
                1 << 16,
                5,
                100,
                Duration.ofMillis(50),
                Duration.ofMillis(200),
                Duration.ofSeconds(5),
                new SimpleMeterRegistry())) {
            sink.record(record("dup-0"));
            sink.record(record("dup-1"));
            sink.record(record("new-2"));
            await(() -> sink.backlog() == 0, "second delivery");
        }
        assertThat(stored).containsExactly("dup-0", "dup-1", "new-2");
        assertThat(duplicates.get()).isEqualTo(2);
    }

    @Test
    void rejectedEventsGoToTheDeadLetterFileAndAreNotResent() throws Exception {
        rejectRequestId = "bad-1";
        try (CostTrackerUsageSink sink = sink(url(), 10)) {
            sink.record(record("ok-0"));
            sink.record(record("bad-1"));
            sink.record(record("ok-2"));
            await(() -> sink.backlog() == 0, "delivery");
            int postsAfter = posts.get();
            Thread.sleep(300); // several flush intervals: nothing is re-sent
            assertThat(posts.get()).isEqualTo(postsAfter);
        }
        assertThat(stored).containsExactly("ok-0", "ok-2");
        String deadLetter = Files.readString(dir.resolve("dead-letter.jsonl"));
        assertThat(deadLetter).contains("bad-1").contains("prompt_tokens").doesNotContain("ok-0");
    }

    @Test
    void aFullSpoolRefusesNewRecordsAndCountsThem() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        failWith = 500;
        try (CostTrackerUsageSink sink = new CostTrackerUsageSink(
                url(),
                "k",
                dir,
                4096,
                1024,
                10,
                1000,
                Duration.ofMillis(50),
                Duration.ofMillis(200),
                Duration.ofSeconds(5),
                registry)) {
            for (int i = 0; i < 100; i++) {
                sink.record(record("full-" + i));
            }
            // every record handled (spooled or dropped): on a busy machine the writer may still hold some after the
            // first drop
            await(
                    () -> registry.counter("gateway_usage_dropped").count() > 0
                            && sink.backlog() == sink.spool().backlogRecords(),
                    "drops");
            assertThat(sink.spool().full()).isTrue();
            long kept = sink.spool().backlogRecords();
            assertThat(kept).isPositive().isLessThan(100);
            assertThat(registry.counter("gateway_usage_dropped").count() + kept).isEqualTo(100);
            await(() -> registry.counter("gateway_usage_delivery_failures").count() > 0, "a failed attempt");
            assertThat(stored).isEmpty();
            failWith = 0;
            await(() -> sink.backlog() == 0, "drain");
            assertThat(stored).hasSize((int) kept).contains("full-0");
            assertThat(registry.counter("gateway_usage_delivered").count()).isEqualTo(kept);
            assertThat(registry.counter("gateway_usage_delivery_failures").count())
                    .isPositive();
        }
    }
}
