package com.acme.mpc.cost.tracing;

import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The span exporter of the test applications (Quarkus exports to every CDI {@code SpanExporter} bean). Unused while
 * tracing is off, the default; its presence also keeps the OTLP exporter from trying to reach a collector.
 */
@ApplicationScoped
public class InMemorySpans {
    @Produces
    @Singleton
    InMemorySpanExporter exporter() {
        return InMemorySpanExporter.create();
    }
}
