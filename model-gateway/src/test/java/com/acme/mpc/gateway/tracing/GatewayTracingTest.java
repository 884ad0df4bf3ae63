package com.acme.mpc.gateway.tracing;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.acme.mpc.gateway.logging.ObservabilityTestResource;
import com.acme.mpc.gateway.testsupport.FakeUpstream;
import com.acme.mpc.gateway.testsupport.InMemorySpans;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Tracing on, spans exported through the real SDK pipeline (batch processor, CDI exporter): the edge span of each
 * request, a gateway.route and a gateway.upstream span per attempt below it, the HTTP client span of each provider
 * call next to (and within) its attempt, and the W3C traceparent on the wire to the provider.
 */
@QuarkusTest
@TestProfile(ObservabilityTestResource.Profile.class)
class GatewayTracingTest {
    @Inject
    InMemorySpanExporter spans;

    @BeforeEach
    void reset() {
        spans.reset();
        ObservabilityTestResource.upstream.reset();
    }

    private static String chat(String model, boolean stream) {
        return "{\"model\":\"" + model + "\",\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"trace me\"}]}";
    }

    private static String attr(SpanData s, String key) {
        Object v = s.getAttributes().get(AttributeKey.stringKey(key));
        return v == null ? null : v.toString();
    }

    private static Long longAttr(SpanData s, String key) {
        return s.getAttributes().get(AttributeKey.longKey(key));
    }

    /** The request's spans once its edge span and {@code upstreams} upstream spans are exported. */
    private List<SpanData> traceOf(String requestId, int upstreams) {
        return InMemorySpans.await(
                spans,
                all -> {
                    SpanData edge = edge(all, requestId);
                    return edge != null
                            && all.stream()
                                            .filter(s -> s.getName().equals("gateway.upstream"))
                                            .filter(s -> s.getTraceId().equals(edge.getTraceId()))
                                            .count()
                                    == upstreams;
                },
                Duration.ofSeconds(10));
    }

    private static SpanData edge(List<SpanData> all, String requestId) {
        return all.stream()
                .filter(s -> s.getKind() == SpanKind.SERVER)
                .filter(s -> requestId.equals(attr(s, "mpc.request_id")))
                .findFirst()
                .orElse(null);
    }

    @Test
    void aRetriedCallHasTwoUpstreamAttemptsBelowTheEdgeSpan() {
        ObservabilityTestResource.flaky.set(0);
        String id = "trace-" + UUID.randomUUID();
        given().header("Authorization", "Bearer " + ObservabilityTestResource.MASTER_KEY)
                .header("x-request-id", id)
                .contentType("application/json")
                .body(chat("obs-flaky", false))
                .post("/v1/chat/completions")
                .then()
                .statusCode(200)
                .header("x-mpc-attempts", "2");

        List<SpanData> all = traceOf(id, 2);
        SpanData edge = edge(all, id);
        String trace = edge.getTraceId();
        List<SpanData> upstream = all.stream()
                .filter(s ->
                        s.getName().equals("gateway.upstream") && s.getTraceId().equals(trace))
                .sorted(Comparator.comparing(s -> longAttr(s, "gateway.attempt")))
                .toList();
        assertThat(upstream).allSatisfy(s -> {
            assertThat(s.getParentSpanId()).isEqualTo(edge.getSpanId());
            assertThat(attr(s, "gateway.deployment")).isEqualTo("obs-flaky-1");
            assertThat(attr(s, "gateway.provider")).isEqualTo("openai");
            assertThat(attr(s, "gateway.model_group")).isEqualTo("obs-flaky");
        });
        assertThat(longAttr(upstream.get(0), "gateway.attempt")).isEqualTo(1);
        assertThat(longAttr(upstream.get(0), "gateway.retry")).isEqualTo(0);
        assertThat(longAttr(upstream.get(0), "http.response.status_code")).isEqualTo(500);
        assertThat(upstream.get(0).getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(longAttr(upstream.get(1), "gateway.attempt")).isEqualTo(2);
        assertThat(longAttr(upstream.get(1), "gateway.retry")).isEqualTo(1);
        assertThat(longAttr(upstream.get(1), "http.response.status_code")).isEqualTo(200);
        assertThat(upstream.get(1).getStartEpochNanos())
                .isGreaterThanOrEqualTo(upstream.get(0).getEndEpochNanos());

        List<SpanData> routes = all.stream()
                .filter(s ->
                        s.getName().equals("gateway.route") && s.getTraceId().equals(trace))
                .toList();
        assertThat(routes).hasSize(2).allSatisfy(s -> {
            assertThat(s.getParentSpanId()).isEqualTo(edge.getSpanId());
            assertThat(attr(s, "gateway.deployment")).isEqualTo("obs-flaky-1");
        });

        // each provider call is an HTTP client span below its attempt, and its traceparent reached the provider
        List<FakeUpstream.Recorded> calls = ObservabilityTestResource.upstream.requests();
        assertThat(calls).hasSize(2);
        for (int i = 0; i < 2; i++) {
            String traceparent = calls.get(i).headers().get("traceparent");
            assertThat(traceparent).as("traceparent of call " + i).startsWith("00-" + trace + "-");
            String parentId = traceparent.split("-")[2];
            SpanData client = InMemorySpans.await(
                            spans, l -> l.stream().anyMatch(s -> s.getSpanId().equals(parentId)), Duration.ofSeconds(5))
                    .stream()
                    .filter(s -> s.getSpanId().equals(parentId))
                    .findFirst()
                    .orElseThrow();
            assertThat(client.getKind()).isEqualTo(SpanKind.CLIENT);
            assertThat(client.getParentSpanId()).isEqualTo(edge.getSpanId());
            // the client span lies within its attempt
            assertThat(client.getStartEpochNanos())
                    .isGreaterThanOrEqualTo(upstream.get(i).getStartEpochNanos());
            assertThat(client.getEndEpochNanos())
                    .isLessThanOrEqualTo(upstream.get(i).getEndEpochNanos());
        }
        // the gateway's own request id never goes to the provider
        assertThat(calls).allSatisfy(c -> assertThat(c.headers()).doesNotContainKey("x-request-id"));
    }

    @Test
    void theCallersTraceIsContinued() {
        String trace = "4bf92f3577b34da6a3ce929d0e0e4736";
        String id = "trace-" + UUID.randomUUID();
        given().header("Authorization", "Bearer " + ObservabilityTestResource.MASTER_KEY)
                .header("x-request-id", id)
                .header("traceparent", "00-" + trace + "-00f067aa0ba902b7-01")
                .contentType("application/json")
                .body(chat("obs-chat", true))
                .post("/v1/chat/completions")
                .then()
                .statusCode(200);

        List<SpanData> all = traceOf(id, 1);
        SpanData edge = edge(all, id);
        assertThat(edge.getTraceId()).isEqualTo(trace);
        assertThat(edge.getParentSpanId()).isEqualTo("00f067aa0ba902b7");
        SpanData upstream = all.stream()
                .filter(s ->
                        s.getName().equals("gateway.upstream") && s.getTraceId().equals(trace))
                .findFirst()
                .orElseThrow();
        // a stream's attempt lasts until the stream ended well
        assertThat(upstream.getParentSpanId()).isEqualTo(edge.getSpanId());
        assertThat(longAttr(upstream, "http.response.status_code")).isEqualTo(200);
        assertThat(ObservabilityTestResource.upstream.lastRequest().headers().get("traceparent"))
                .startsWith("00-" + trace + "-");
    }
}
