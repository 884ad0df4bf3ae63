package com.acme.mpc.gateway.provider.aws;

import io.smallrye.mutiny.Uni;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * One credential source's current credentials. From their {@link AwsIdentity#refreshAt()} a fetch starts in the
 * background while callers keep signing with them; callers wait only when there are none, or when they expire within
 * {@link #MIN_REMAINING}. Concurrent callers share the one fetch in flight. A failed fetch fails the callers that
 * waited for it; a failed background fetch leaves the current credentials in use and is tried again after
 * {@link #RETRY_AFTER_FAILURE}. Never blocks: callers get a {@link Uni}.
 */
final class RefreshingCredentials {
    /** Credentials closer to their expiry than this are not handed out: a call signed now must still be valid. */
    static final Duration MIN_REMAINING = Duration.ofMinutes(1);

    static final Duration RETRY_AFTER_FAILURE = Duration.ofSeconds(15);
    private static final Logger LOG = Logger.getLogger(RefreshingCredentials.class);

    private final Supplier<Uni<AwsIdentity>> fetch;
    private final Clock clock;
    private volatile AwsIdentity current;
    private volatile Instant quietUntil = Instant.MIN;
    private final AtomicReference<CompletableFuture<AwsIdentity>> inFlight = new AtomicReference<>();

    RefreshingCredentials(Supplier<Uni<AwsIdentity>> fetch, Clock clock) {
        this.fetch = fetch;
        this.clock = clock;
    }

    Uni<AwsIdentity> get() {
        return Uni.createFrom().deferred(() -> {
            Instant now = clock.instant();
            AwsIdentity c = current;
            if (c != null && now.isBefore(c.refreshAt())) {
                return Uni.createFrom().item(c);
            }
            if (usable(c, now)) {
                if (now.isAfter(quietUntil)) {
                    refresh(); // in the background: this caller signs with the credentials it has
                }
                return Uni.createFrom().item(c);
            }
            return Uni.createFrom()
                    // a copy: a caller that cancels does not cancel the fetch others wait for
                    .completionStage(refresh().minimalCompletionStage());
        });
    }

    private static boolean usable(AwsIdentity c, Instant now) {
        return c != null && now.plus(MIN_REMAINING).isBefore(c.expiresAt());
    }

    private CompletableFuture<AwsIdentity> refresh() {
        while (true) {
            CompletableFuture<AwsIdentity> running = inFlight.get();
            if (running != null) {
                return running;
            }
            AwsIdentity c = current; // a fetch may have finished since this caller looked
            if (c != null && clock.instant().isBefore(c.refreshAt())) {
                return CompletableFuture.completedFuture(c);
            }
            CompletableFuture<AwsIdentity> mine = new CompletableFuture<>();
            if (inFlight.compareAndSet(null, mine)) {
                Uni.createFrom()
                        .<AwsIdentity>deferred(fetch::get)
                        .subscribe()
                        .with(
                                identity -> {
                                    current = identity;
                                    inFlight.set(null);
                                    mine.complete(identity);
                                },
                                failure -> {
                                    quietUntil = clock.instant().plus(RETRY_AFTER_FAILURE);
                                    inFlight.set(null);
                                    if (usable(current, clock.instant())) {
                                        // the message names the source and STS's reason, never a secret
                                        LOG.warnf(
                                                "AWS credentials could not be renewed; the current ones are used until"
                                                        + " they expire: %s",
                                                failure.getMessage());
                                    }
                                    mine.completeExceptionally(failure);
                                });
                return mine;
            }
        }
    }
}
