package com.acme.mpc.cost.tracing;

import static com.acme.mpc.cost.TestSupport.admin;
import static com.acme.mpc.cost.TestSupport.event;
import static org.assertj.core.api.Assertions.assertThat;

import com.acme.mpc.cost.TestDatabase;
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
import org.junit.jupiter.api.Test;

/** Tracing on: a usage batch sent with the gateway's traceparent becomes a server span in the gateway's trace. */
@QuarkusTest
@TestProfile(TracingTest.On.class)
class TracingTest {
    /** cost-tracker with tracing on. */
    public static class On implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.otel.sdk.disabled", "false", "quarkus.otel.bsp.schedule.delay", "5ms");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(TestDatabase.class));
        }
    }

    @Inject
    InMemorySpanExporter spans;

    @Test
    void theGatewaysTraceIsContinued() throws Exception {
        String trace = "0af7651916cd43dd8448eb211c80319c";
        admin().header("traceparent", "00-" + trace + "-b7ad6b7169203331-01")
                .body(List.of(event(Map.of())))
                .post("/usage/events")
                .then()
                .statusCode(200);

        SpanData edge = null;
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (edge == null && System.nanoTime() < deadline) {
            edge = spans.getFinishedSpanItems().stream()
                    .filter(s ->
                            s.getKind() == SpanKind.SERVER && s.getTraceId().equals(trace))
                    .findFirst()
                    .orElse(null);
            Thread.sleep(10);
        }
        assertThat(edge).as("server span in %s", spans.getFinishedSpanItems()).isNotNull();
        assertThat(edge.getParentSpanId()).isEqualTo("b7ad6b7169203331");
        assertThat(edge.getName()).contains("/usage/events");
    }

    @Test
    void keyHashesInPathsAreCutLikeInLogs() throws Exception {
        String hash = "ab12cd34" + "e".repeat(56);
        String trace = "1af7651916cd43dd8448eb211c80319c";
        admin().header("traceparent", "00-" + trace + "-b7ad6b7169203331-01")
                .get("/internal/keys/" + hash)
                .then()
                .statusCode(404);
        SpanData edge = null;
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (edge == null && System.nanoTime() < deadline) {
            edge = spans.getFinishedSpanItems().stream()
                    .filter(s -> s.getTraceId().equals(trace))
                    .findFirst()
                    .orElse(null);
            Thread.sleep(10);
        }
        assertThat(edge).isNotNull();
        assertThat(edge.getAttributes().get(AttributeKey.stringKey("url.path")))
                .isEqualTo("/internal/keys/ab12cd34...");
        assertThat(edge.getAttributes().asMap().toString()).doesNotContain(hash);
    }
}
