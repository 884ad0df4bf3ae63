package com.acme.mpc.gateway.tracing;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/** Tracing is off by default: no span is made on the request path, none is exported. */
@QuarkusTest
class TracingOffTest {
    @Inject
    InMemorySpanExporter spans;

    @Inject
    GatewayTracing tracing;

    @Test
    void theDefaultConfigurationTracesNothing() throws Exception {
        assertThat(tracing.enabled()).isFalse();
        assertThat(tracing.attempt("g", "g", null, 1, 0, false, 0)).isSameAs(GatewayTracing.Attempt.NONE);
        assertThat(tracing.usageDelivery(1)).isSameAs(GatewayTracing.Delivery.NONE);
        given().header("Authorization", "Bearer sk-test-master")
                .contentType("application/json")
                .header("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
                .body("{\"model\":\"demo-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .post("/v1/chat/completions")
                .then()
                .statusCode(200);
        Thread.sleep(50);
        assertThat(spans.getFinishedSpanItems()).isEmpty();
        assertThat(Span.current().getSpanContext().isValid()).isFalse();
    }
}
