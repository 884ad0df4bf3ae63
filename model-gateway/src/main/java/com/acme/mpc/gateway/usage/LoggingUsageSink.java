package com.acme.mpc.gateway.usage;

import org.jboss.logging.Logger;

/**
 * Logs each usage record on one line (category {@code usage}, at DEBUG: the access line of
 * {@code logging/AccessLoggingUsageSink} already reports every call at INFO); the default sink when no delivery to
 * cost-tracker is configured (chosen by {@link UsageDelivery}). Carries identifiers, counts and money only.
 */
public class LoggingUsageSink implements UsageSink {
    private static final Logger LOG = Logger.getLogger("usage");

    @Override
    public void record(UsageRecord r) {
        if (LOG.isDebugEnabled()) {
            LOG.debugf(
                    "usage request_id=%s client_request_id=%s model_group=%s deployment=%s provider=%s status=%s http=%d prompt=%d"
                            + " completion=%d cached=%d cost_usd=%s latency_ms=%d ttft_ms=%s stream=%s",
                    r.eventId(),
                    r.clientRequestId(),
                    r.modelGroup(),
                    r.deploymentId(),
                    r.provider(),
                    r.status(),
                    r.httpStatus(),
                    r.promptTokens(),
                    r.completionTokens(),
                    r.cachedReadTokens(),
                    r.costUsd() == null ? "-" : r.costUsd().toPlainString(),
                    r.latencyMs(),
                    r.ttftMs(),
                    r.stream());
        }
    }
}
