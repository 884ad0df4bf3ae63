package com.acme.mpc.api.tracing;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.acme.mpc.api.standin.StandInGateway;
import com.acme.mpc.api.standin.StandInGatewayResource;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Tracing on: the edge span of an /api/* request (named by its request id), the HTTP client span of the call to
 * model-gateway below it, and the W3C traceparent of that span on the wire to the gateway.
 */
@QuarkusTest
@TestProfile(TracingTest.On.class)
class TracingTest {
    /** mpc-api with tracing on, against the stand-in gateway. */
    public static class On implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.otel.sdk.disabled", "false", "quarkus.otel.bsp.schedule.delay", "5ms");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(StandInGatewayResource.class));
        }
    }

    @Inject
    InMemorySpanExporter spans;

    @Test
    void theCallToTheGatewayCarriesTheTraceOfTheEdgeSpan() throws Exception {
        String id = "trace-" + UUID.randomUUID();
        String trace = "4bf92f3577b34da6a3ce929d0e0e4736";
        given().header("x-request-id", id)
                .header("traceparent", "00-" + trace + "-00f067aa0ba902b7-01")
                .contentType("application/json")
                .body("{\"model\":\"demo-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .post("/api/chat/completions")
                .then()
                .statusCode(200);

        SpanData edge = null;
        SpanData client = null;
        long deadline = System.nanoTime() + 10_000_000_000L;
        while ((edge == null || client == null) && System.nanoTime() < deadline) {
            List<SpanData> all = spans.getFinishedSpanItems();
            edge = all.stream()
                    .filter(s -> s.getKind() == SpanKind.SERVER)
                    .filter(s -> id.equals(s.getAttributes().get(AttributeKey.stringKey("mpc.request_id"))))
                    .findFirst()
                    .orElse(null);
            client = all.stream()
                    .filter(s ->
                            s.getKind() == SpanKind.CLIENT && s.getTraceId().equals(trace))
                    .findFirst()
                    .orElse(null);
            Thread.sleep(10);
        }
        assertNotNull(edge, "edge span: " + spans.getFinishedSpanItems());
        assertNotNull(client, "client span: " + spans.getFinishedSpanItems());
        // the caller's trace is continued, the gateway call hangs below the edge span
        assertEquals(trace, edge.getTraceId());
        assertEquals("00f067aa0ba902b7", edge.getParentSpanId());
        assertEquals(edge.getSpanId(), client.getParentSpanId());
        String traceparent =
                StandInGateway.get().last("/v1/chat/completions").headers().get("traceparent");
        assertNotNull(traceparent, "no traceparent reached the gateway");
        assertTrue(traceparent.startsWith("00-" + trace + "-" + client.getSpanId()), traceparent);
    }
}
