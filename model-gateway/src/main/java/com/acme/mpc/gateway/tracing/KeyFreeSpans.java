package com.acme.mpc.gateway.tracing;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Keeps keys out of traces as out of logs (docs/contracts.md): the HTTP instrumentation records paths, queries and
 * URLs; those of the key lookups and reservations at cost-tracker carry key hashes ({@code /internal/keys/{key_hash}})
 * and a client could put a raw key in a query. Hashes are cut to their first 8 characters and raw keys masked when the
 * span starts, before any exporter sees it. Quarkus adds every CDI {@code SpanProcessor} bean to the tracer provider.
 */
@ApplicationScoped
public class KeyFreeSpans implements SpanProcessor {
    private static final List<AttributeKey<String>> URL_PARTS = List.of(
            AttributeKey.stringKey("url.path"),
            AttributeKey.stringKey("url.query"),
            AttributeKey.stringKey("url.full"),
            AttributeKey.stringKey("http.target"));
    private static final Pattern KEY_HASH = Pattern.compile("\\b([0-9a-f]{8})[0-9a-f]{56}\\b");
    private static final Pattern RAW_KEY = Pattern.compile("sk-[^/&?#\\s]*");

    @Override
    public void onStart(Context parentContext, ReadWriteSpan span) {
        for (AttributeKey<String> key : URL_PARTS) {
            String value = span.getAttribute(key);
            if (value != null) {
                String safe = redact(value);
                if (!safe.equals(value)) {
                    span.setAttribute(key, safe);
                }
            }
        }
    }

    static String redact(String value) {
        return RAW_KEY.matcher(KEY_HASH.matcher(value).replaceAll("$1...")).replaceAll("sk-***");
    }

    @Override
    public boolean isStartRequired() {
        return true;
    }

    @Override
    public void onEnd(ReadableSpan span) {}

    @Override
    public boolean isEndRequired() {
        return false;
    }
}
