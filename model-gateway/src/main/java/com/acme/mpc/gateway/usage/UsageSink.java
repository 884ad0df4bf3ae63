package com.acme.mpc.gateway.usage;

/**
 * Receives every usage record. Implementations must return at once: the request path never waits for delivery.
 */
public interface UsageSink {
    void record(UsageRecord record);
}
