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
 * same numbers the metrics and cost-tracker see. The fields are also put in the MDC for the line, so JSON logs carry
 * them as {@code mdc.modelGroup}, {@code mdc.deployment}, {@code mdc.status}, {@code mdc.latencyMs}, ... Never a body
 * or a key: the record holds none.
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
            log(r);
        }
    }

    private static void log(UsageRecord r) {
        // the request's MDC normally holds the id already; a record finished outside the request's context gets it here
        boolean addedId = RequestIds.current() == null;
        if (addedId) {
            MDC.put(RequestIds.MDC_KEY, r.requestId());
        }
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
        String key = keyLabel(r);
        put("key", key);
        put("endUser", r.endUser());
        try {
            LOG.infof(
                    "%s model_group=%s deployment=%s provider=%s status=%d latency_ms=%d ttft_ms=%s prompt_tokens=%d"
                            + " completion_tokens=%d cost_usd=%s stream=%s cache_hit=%s key=%s end_user=%s%s",
                    r.callType(),
                    r.modelGroup(),
                    r.deploymentId(),
                    r.provider(),
                    r.httpStatus(),
                    r.latencyMs(),
                    r.ttftMs() == null ? "-" : r.ttftMs(),
                    r.promptTokens(),
                    r.completionTokens(),
                    r.costUsd() == null ? "-" : r.costUsd().toPlainString(),
                    r.stream(),
                    r.cacheHit(),
                    key == null ? "-" : key,
                    r.endUser() == null ? "-" : r.endUser(),
                    r.errorType() == null ? "" : " error=" + r.errorType());
        } finally {
            for (String f : FIELDS) {
                MDC.remove(f);
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
