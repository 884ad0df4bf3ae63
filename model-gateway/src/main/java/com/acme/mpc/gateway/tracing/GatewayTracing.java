package com.acme.mpc.gateway.tracing;

import com.acme.mpc.gateway.config.Deployment;
import com.acme.mpc.gateway.core.GatewayException;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The gateway's own spans, below the edge span that Quarkus' Vert.x instrumentation opens for each HTTP request:
 * {@code gateway.route} (the routing decision of an attempt: model group, chosen deployment) and
 * {@code gateway.upstream} (one per attempt: deployment, provider, HTTP status, attempt and retry number). The HTTP
 * client span of each provider call, made by the same instrumentation, is a sibling of its attempt's span (both
 * children of the edge span), and the provider receives its {@code traceparent}. The attempt's span is deliberately
 * not made current on the request's Vert.x context: Mutiny callbacks restore the context they captured when they
 * return, so a span made current in one would be current only for the provider calls that reuse a pooled connection
 * (the request is then written synchronously), which would make the tree depend on the connection pool. With tracing
 * off ({@code quarkus.otel.sdk.disabled=true}, the default) every method returns at once and nothing is allocated.
 */
@ApplicationScoped
public class GatewayTracing {
    static final AttributeKey<String> MODEL_GROUP = AttributeKey.stringKey("gateway.model_group");
    static final AttributeKey<String> REQUESTED_GROUP = AttributeKey.stringKey("gateway.requested_model_group");
    static final AttributeKey<String> DEPLOYMENT = AttributeKey.stringKey("gateway.deployment");
    static final AttributeKey<String> PROVIDER = AttributeKey.stringKey("gateway.provider");
    static final AttributeKey<String> UPSTREAM_MODEL = AttributeKey.stringKey("gateway.upstream_model");
    static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("gateway.attempt");
    static final AttributeKey<Long> RETRY = AttributeKey.longKey("gateway.retry");
    static final AttributeKey<Boolean> FALLBACK = AttributeKey.booleanKey("gateway.fallback");
    static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    static final AttributeKey<String> REQUEST_ID = AttributeKey.stringKey("mpc.request_id");

    /** One attempt's span; {@link #NONE} when tracing is off. */
    public interface Attempt {
        Attempt NONE = new Attempt() {
            @Override
            public void succeeded() {}

            @Override
            public void failed(GatewayException e) {}

            @Override
            public void abandoned() {}
        };

        /** The provider answered (for a stream: the stream ended well). */
        void succeeded();

        void failed(GatewayException e);

        /** The client went away or the attempt was cancelled. */
        void abandoned();
    }

    /** One usage batch's span; {@link #NONE} when tracing is off. */
    public interface Delivery {
        Delivery NONE = new Delivery() {
            @Override
            public void inject(BiConsumer<String, String> header) {}

            @Override
            public void ended(int status, String error) {}
        };

        /** Adds the W3C {@code traceparent} of the batch's span to the request. */
        void inject(BiConsumer<String, String> header);

        /** cost-tracker answered {@code status} (0: no answer, {@code error} says why). */
        void ended(int status, String error);
    }

    static final AttributeKey<Long> EVENTS = AttributeKey.longKey("gateway.usage.events");

    private final boolean enabled;
    private final Tracer tracer;
    private final TextMapPropagator propagator;

    public GatewayTracing(
            OpenTelemetry openTelemetry,
            @ConfigProperty(name = "quarkus.otel.sdk.disabled", defaultValue = "false") boolean sdkDisabled) {
        this.enabled = !sdkDisabled;
        this.tracer = openTelemetry.getTracer("com.acme.mpc.gateway");
        this.propagator = openTelemetry.getPropagators().getTextMapPropagator();
    }

    public boolean enabled() {
        return enabled;
    }

    /** Epoch nanos to start a routing span at, 0 when tracing is off. */
    public long now() {
        return enabled ? epochNanos() : 0;
    }

    /** Names the request on the edge span, so a trace can be found by its x-request-id. */
    public void requestId(String requestId) {
        if (enabled) {
            Span.current().setAttribute(REQUEST_ID, requestId);
        }
    }

    /**
     * Records the routing decision that started at {@code routeStart} ({@link #now()}) and starts the attempt's
     * upstream span, ended by the returned {@link Attempt}.
     */
    public Attempt attempt(
            String requestedGroup,
            String group,
            Deployment d,
            int attempt,
            int retries,
            boolean fallback,
            long routeStart) {
        if (!enabled) {
            return Attempt.NONE;
        }
        Context parent = Context.current();
        long decided = epochNanos();
        tracer.spanBuilder("gateway.route")
                .setParent(parent)
                .setStartTimestamp(routeStart > 0 ? routeStart : decided, TimeUnit.NANOSECONDS)
                .setAttribute(REQUESTED_GROUP, requestedGroup)
                .setAttribute(MODEL_GROUP, group)
                .setAttribute(DEPLOYMENT, d.id())
                .setAttribute(ATTEMPT, (long) attempt)
                .startSpan()
                .end(decided, TimeUnit.NANOSECONDS);
        Span span = tracer.spanBuilder("gateway.upstream")
                .setParent(parent)
                .setSpanKind(SpanKind.INTERNAL)
                .setAttribute(MODEL_GROUP, group)
                .setAttribute(DEPLOYMENT, d.id())
                .setAttribute(PROVIDER, d.providerName())
                .setAttribute(UPSTREAM_MODEL, d.upstreamModel())
                .setAttribute(ATTEMPT, (long) attempt)
                .setAttribute(RETRY, (long) retries)
                .setAttribute(FALLBACK, fallback)
                .startSpan();
        return new TracedAttempt(span);
    }

    /**
     * The span {@code gateway.usage.delivery} of one usage batch sent to cost-tracker. A root span: the batch leaves
     * the spool long after the requests whose usage it carries, on the sender thread; its events name them.
     */
    public Delivery usageDelivery(int events) {
        if (!enabled) {
            return Delivery.NONE;
        }
        Span span = tracer.spanBuilder("gateway.usage.delivery")
                .setNoParent()
                .setSpanKind(SpanKind.CLIENT)
                .setAttribute(EVENTS, (long) events)
                .startSpan();
        Context context = Context.root().with(span);
        return new Delivery() {
            @Override
            public void inject(BiConsumer<String, String> header) {
                propagator.inject(context, header, (carrier, key, value) -> carrier.accept(key, value));
            }

            @Override
            public void ended(int status, String error) {
                if (status > 0) {
                    span.setAttribute(STATUS, (long) status);
                }
                if (error != null || status / 100 != 2) {
                    span.setStatus(StatusCode.ERROR, error != null ? error : "cost-tracker answered " + status);
                }
                span.end();
            }
        };
    }

    private static long epochNanos() {
        java.time.Instant now = java.time.Instant.now();
        return TimeUnit.SECONDS.toNanos(now.getEpochSecond()) + now.getNano();
    }

    /** Ends once, whichever outcome is reported first. */
    private static final class TracedAttempt implements Attempt {
        private final Span span;
        private boolean ended;

        TracedAttempt(Span span) {
            this.span = span;
        }

        @Override
        public void succeeded() {
            if (close()) {
                span.setAttribute(STATUS, 200L);
                span.end();
            }
        }

        @Override
        public void failed(GatewayException e) {
            if (close()) {
                span.setAttribute(STATUS, (long) e.status());
                span.setAttribute(ERROR_TYPE, e.type());
                span.setStatus(StatusCode.ERROR, e.type());
                span.end();
            }
        }

        @Override
        public void abandoned() {
            if (close()) {
                span.setAttribute(ERROR_TYPE, "cancelled");
                span.end();
            }
        }

        private synchronized boolean close() {
            if (ended) {
                return false;
            }
            ended = true;
            return true;
        }
    }
}
