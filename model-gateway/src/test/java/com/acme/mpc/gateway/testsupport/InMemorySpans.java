package com.acme.mpc.gateway.testsupport;

import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

/**
 * The span exporter of the test applications: Quarkus hands the finished spans of every CDI {@code SpanExporter} bean
 * (through its batch processor), so tests read what would have gone to the OTLP collector. Unused while tracing is
 * off (the default); its presence also keeps the OTLP exporter from trying to reach a collector.
 */
@ApplicationScoped
public class InMemorySpans {
    @Produces
    @Singleton
    InMemorySpanExporter exporter() {
        return InMemorySpanExporter.create();
    }

    /** Waits until the exported spans satisfy {@code done} (the batch processor exports every few ms). */
    public static List<SpanData> await(
            InMemorySpanExporter exporter, Predicate<List<SpanData>> done, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<SpanData> spans = exporter.getFinishedSpanItems();
            if (done.test(spans)) {
                return spans;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("spans not complete within " + timeout + ": " + spans);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
