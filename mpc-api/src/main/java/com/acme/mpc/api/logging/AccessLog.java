package com.acme.mpc.api.logging;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * The access line of mpc-api: one per /api/* request when its response ended (or the client went away, status 499).
 * With JSON logs the fields are also put in the MDC for that line ({@link LogSettings#accessFields()}), so they
 * arrive as {@code mdc.route}, {@code mdc.client}, {@code mdc.status} and {@code mdc.latencyMs}, next to
 * {@code mdc.requestId}. Never a body, a token or a key: a key a client put in the path is masked ({@link #safePath}).
 */
@ApplicationScoped
public class AccessLog {
    private static final Logger LOG = Logger.getLogger("mpc.access");

    /** A key hash (SHA-256 hex) as a path segment: cut to its first 8 characters, as cost-tracker logs it. */
    private static final Pattern KEY_HASH = Pattern.compile("(?<=/)([0-9a-fA-F]{8})[0-9a-fA-F]{56}(?=/|$)");
    /**
     * A raw key (sk-...) anywhere in a path segment, e.g. a client that put its key in the URL by mistake: masked up to
     * the segment's end. The path is not decoded ({@code /key%20sk-...}), so no boundary is required before it: a
     * segment such as {@code task-list} is over-masked ({@code task-***}) rather than a key ever logged.
     */
    private static final Pattern RAW_KEY = Pattern.compile("sk-[^/]*");

    private static final AttributeKey<String> REQUEST_ID = AttributeKey.stringKey("mpc.request_id");

    private final boolean enabled;
    private final boolean fields;
    private final boolean tracing;

    public AccessLog(
            LogSettings settings,
            @ConfigProperty(name = "quarkus.otel.sdk.disabled", defaultValue = "false") boolean tracingDisabled) {
        this.enabled = settings.access();
        this.fields = settings.accessFields();
        this.tracing = !tracingDisabled;
    }

    /** A request got its id: into the MDC for every line of the request, and onto its edge span when tracing. */
    public void started(String requestId) {
        RequestMdc.requestId(requestId);
        if (tracing) {
            Span.current().setAttribute(REQUEST_ID, requestId);
        }
    }

    /** The path with raw keys masked and key hashes cut to 8 characters, at most 200 characters. */
    static String safePath(String path) {
        String p = RAW_KEY.matcher(KEY_HASH.matcher(path).replaceAll("$1...")).replaceAll("sk-***");
        return p.length() > 200 ? p.substring(0, 200) + "..." : p;
    }

    /** {@code path} is the request's path without the query (which could carry anything the client sent). */
    public void completed(
            String requestId, String method, String path, String route, String client, int status, long nanos) {
        if (!enabled || !LOG.isInfoEnabled()) {
            return;
        }
        long latencyMs = nanos / 1_000_000;
        String line = method + " " + safePath(path) + " route=" + route + " client=" + client + " status=" + status
                + " latency_ms=" + latencyMs;
        // the end of a response may be reported outside the request's context: then the id is added for this line
        boolean addedId = RequestMdc.current() == null;
        if (addedId) {
            MDC.put(RequestMdc.REQUEST_ID, requestId);
        }
        if (fields) {
            MDC.put("route", route);
            MDC.put("client", client);
            MDC.put("status", Integer.toString(status));
            MDC.put("latencyMs", Long.toString(latencyMs));
        }
        try {
            LOG.info(line);
        } finally {
            if (fields) {
                MDC.remove("route");
                MDC.remove("client");
                MDC.remove("status");
                MDC.remove("latencyMs");
            }
            if (addedId) {
                MDC.remove(RequestMdc.REQUEST_ID);
            }
        }
    }
}
