package com.acme.mpc.cost.logging;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * The request id and the access line of every API request. The id comes from {@code x-request-id} (model-gateway sends
 * the id of the client request a key lookup or reservation is for, and for a usage batch of one event that event's
 * request id), else a fresh one; it goes into the MDC (every line logged while serving the request carries
 * {@code mdc.requestId}) and back in the response. When the response is written, one line on category
 * {@code cost.access}: method, path, status, latency. Paths are logged with key hashes cut to 8 characters and raw
 * keys masked, query strings never (a LiteLLM-style {@code ?key=sk-...} would carry a key).
 */
public class AccessLogFilter {
    private static final Logger LOG = Logger.getLogger("cost.access");
    private static final String START = "cost-tracker.request-start";
    private static final Pattern KEY_HASH = Pattern.compile("(?<=/)([0-9a-f]{8})[0-9a-f]{56}(?=/|$)");
    private static final Pattern RAW_KEY = Pattern.compile("(?<=/)sk-[^/]*");

    private final boolean enabled;

    public AccessLogFilter(LogSettings settings) {
        this.enabled = settings.access();
    }

    @ServerRequestFilter(preMatching = true)
    public void requestStarted(ContainerRequestContext ctx) {
        String id = RequestIds.reuseOrCreate(ctx.getHeaderString(RequestIds.HEADER));
        ctx.setProperty(RequestIds.MDC_KEY, id);
        ctx.setProperty(START, System.nanoTime());
        MDC.put(RequestIds.MDC_KEY, id);
    }

    @ServerResponseFilter
    public void responseWritten(ContainerRequestContext request, ContainerResponseContext response) {
        Object id = request.getProperty(RequestIds.MDC_KEY);
        if (id == null) {
            return;
        }
        response.getHeaders().putSingle(RequestIds.HEADER, id);
        if (!enabled || !LOG.isInfoEnabled()) {
            return;
        }
        long latencyMs = (System.nanoTime() - (Long) request.getProperty(START)) / 1_000_000;
        String path = safePath(request.getUriInfo().getPath());
        // a response filter may run on another thread than the request filter: the id is set for this line
        MDC.put(RequestIds.MDC_KEY, id.toString());
        MDC.put("status", Integer.toString(response.getStatus()));
        MDC.put("latencyMs", Long.toString(latencyMs));
        try {
            LOG.infof("%s %s status=%d latency_ms=%d", request.getMethod(), path, response.getStatus(), latencyMs);
        } finally {
            MDC.remove("status");
            MDC.remove("latencyMs");
        }
    }

    /** The path with key hashes shortened to their first 8 characters and raw keys masked (docs/contracts.md). */
    static String safePath(String path) {
        String p = KEY_HASH.matcher(path).replaceAll("$1...");
        p = RAW_KEY.matcher(p).replaceAll("sk-***");
        return p.length() > 200 ? p.substring(0, 200) + "..." : p;
    }
}
