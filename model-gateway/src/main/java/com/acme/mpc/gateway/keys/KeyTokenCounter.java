package com.acme.mpc.gateway.keys;

import com.acme.mpc.gateway.usage.UsageRecord;
import com.acme.mpc.gateway.usage.UsageSink;
import jakarta.annotation.Priority;
import jakarta.decorator.Decorator;
import jakarta.decorator.Delegate;
import jakarta.inject.Inject;

/** Counts every finished call's tokens towards its virtual key's (and its team's) tpm limit, whichever usage sink is in use. */
@Decorator
@Priority(10)
public abstract class KeyTokenCounter implements UsageSink {
    @Inject
    @Delegate
    UsageSink delegate;

    @Inject
    KeyLimits limits;

    @Override
    public void record(UsageRecord r) {
        limits.countTokens(r.keyHash(), r.teamId(), r.promptTokens() + r.completionTokens());
        delegate.record(r);
    }
}
