package com.acme.mpc.gateway.logging;

import com.acme.mpc.gateway.usage.UsageRecord;
import com.acme.mpc.gateway.usage.UsageSink;
import jakarta.annotation.Priority;
import jakarta.decorator.Decorator;
import jakarta.decorator.Delegate;
import jakarta.enterprise.inject.Any;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * The access line of the gateway: every finished model call produces exactly one usage record, so logging here gives
 * exactly one line per call (also for failures after a deployment was tried, and for client disconnects), with the
 * same numbers the metrics and cost-tracker see. With JSON logs the fields are also put in the MDC for the line
 * ({@link LogSettings#accessFields()}), so they arrive as {@code mdc.modelGroup}, {@code mdc.deployment},
 * {@code mdc.status}, {@code mdc.latencyMs}, ... Never a body or a key: the record holds none.
 */
@Decorator
@Priority(20)
public abstract class AccessLoggingUsageSink implements UsageSink {
    private static final Logger LOG = Logger.getLogger("gateway.access");
    private static final String[] FIELDS = {
        "callType",
        "modelGroup",
        "deployment",
        "provider",
        "status",
        "outcome",
        "latencyMs",
        "promptTokens",
        "completionTokens",
        "stream",
        "cacheHit",
        "key",
        "endUser"
    };

    @Inject
    @Delegate
    @Any
    UsageSink delegate;

    @Inject
    LogSettings settings;

    @Override
    public void record(UsageRecord r) {
        delegate.record(r);
        if (settings.access() && LOG.isInfoEnabled()) {
            log(r, settings.accessFields());
        }
    }

    /** Runs on the event loop for every call: one StringBuilder, no String.format. */
    private static void log(UsageRecord r, boolean fields) {
        String key = keyLabel(r);
        StringBuilder line = new StringBuilder(256)
                .append(r.callType())
                .append(" model_group=")
                .append(r.modelGroup())
                .append(" deployment=")
                .append(r.deploymentId())
                .append(" provider=")
                .append(r.provider())
                .append(" status=")
                .append(r.httpStatus())
                .append(" latency_ms=")
                .append(r.latencyMs())
                .append(" ttft_ms=")
                .append(r.ttftMs() == null ? "-" : r.ttftMs())
                .append(" prompt_tokens=")
                .append(r.promptTokens())
                .append(" completion_tokens=")
                .append(r.completionTokens())
                .append(" cost_usd=")
                .append(r.costUsd() == null ? "-" : r.costUsd().toPlainString())
                .append(" stream=")
                .append(r.stream())
                .append(" cache_hit=")
                .append(r.cacheHit())
                .append(" key=")
                .append(key == null ? "-" : key)
                .append(" end_user=")
                .append(r.endUser() == null ? "-" : r.endUser());
        if (r.errorType() != null) {
            line.append(" error=").append(r.errorType());
        }
        // the request's MDC normally holds the id already; a record finished outside the request's context gets it here
        boolean addedId = RequestIds.current() == null;
        if (addedId) {
            MDC.put(RequestIds.MDC_KEY, r.clientRequestId());
        }
        if (fields) {
            put("callType", r.callType());
            put("modelGroup", r.modelGroup());
            put("deployment", r.deploymentId());
            put("provider", r.provider());
            put("status", Integer.toString(r.httpStatus()));
            put("outcome", r.status());
            put("latencyMs", Long.toString(r.latencyMs()));
            put("promptTokens", Long.toString(r.promptTokens()));
            put("completionTokens", Long.toString(r.completionTokens()));
            put("stream", Boolean.toString(r.stream()));
            put("cacheHit", Boolean.toString(r.cacheHit()));
            put("key", key);
            put("endUser", r.endUser());
        }
        try {
            LOG.info(line.toString());
        } finally {
            if (fields) {
                for (String f : FIELDS) {
                    MDC.remove(f);
                }
            }
            if (addedId) {
                MDC.remove(RequestIds.MDC_KEY);
            }
        }
    }

    /** The MDC refuses null values; an absent field is simply left out. */
    private static void put(String field, String value) {
        if (value != null && !value.isEmpty()) {
            MDC.put(field, value);
        }
    }

    /** As docs/contracts.md allows in logs: the key's alias, else the first 8 hex characters of its hash. */
    private static String keyLabel(UsageRecord r) {
        if (r.keyAlias() != null && !r.keyAlias().isEmpty()) {
            return r.keyAlias();
        }
        return r.keyHash() == null
                ? null
                : r.keyHash().substring(0, Math.min(8, r.keyHash().length()));
    }
}
