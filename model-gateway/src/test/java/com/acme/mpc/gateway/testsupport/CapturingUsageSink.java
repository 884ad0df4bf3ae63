package com.acme.mpc.gateway.testsupport;

import com.acme.mpc.gateway.usage.UsageRecord;
import com.acme.mpc.gateway.usage.UsageSink;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps the usage records of the test run so tests can assert what the gateway metered. */
@Alternative
@Priority(1)
@ApplicationScoped
public class CapturingUsageSink implements UsageSink {
    private final List<UsageRecord> records = new CopyOnWriteArrayList<>();

    @Override
    public void record(UsageRecord record) {
        records.add(record);
    }

    /** The first record of the request with this {@code x-request-id} (the client's id, not the event id). */
    public Optional<UsageRecord> find(String requestId) {
        return records.stream()
                .filter(r -> requestId.equals(r.clientRequestId()))
                .findFirst();
    }

    public UsageRecord await(String requestId, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<UsageRecord> r = find(requestId);
            if (r.isPresent()) {
                return r.get();
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new AssertionError("no usage record for " + requestId + " within " + timeout);
    }

    /** Every record of requests that carried this {@code x-request-id}. */
    public List<UsageRecord> all(String requestId) {
        return records.stream()
                .filter(r -> requestId.equals(r.clientRequestId()))
                .toList();
    }

    public long count(String requestId) {
        return records.stream()
                .filter(r -> requestId.equals(r.clientRequestId()))
                .count();
    }
}
