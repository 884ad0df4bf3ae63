package com.acme.mpc.gateway.metrics;

import com.acme.mpc.gateway.usage.UsageRecord;
import com.acme.mpc.gateway.usage.UsageSink;
import jakarta.annotation.Priority;
import jakarta.decorator.Decorator;
import jakarta.decorator.Delegate;
import jakarta.enterprise.inject.Any;
import jakarta.inject.Inject;

/**
 * Every usage record passes through here on its way to whichever sink is active (log, cost-tracker, a test's), so
 * metrics and metering can never disagree about what was served.
 */
@Decorator
@Priority(10)
public abstract class MeteredUsageSink implements UsageSink {
    @Inject
    @Delegate
    @Any
    UsageSink delegate;

    @Inject
    GatewayMetrics metrics;

    @Override
    public void record(UsageRecord record) {
        metrics.record(record);
        delegate.record(record);
    }
}
