package com.acme.mpc.gateway.provider.aws;

import io.smallrye.mutiny.Uni;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * One credential source's current credentials: handed out until their {@link AwsIdentity#refreshAt()}, then fetched
 * again once for all callers (concurrent callers share the fetch in flight). A failed fetch fails the callers that
 * waited for it and is tried again by the next caller. Never blocks: callers get a {@link Uni}.
 */
final class RefreshingCredentials {
    private final Supplier<Uni<AwsIdentity>> fetch;
    private final Clock clock;
    private volatile AwsIdentity current;
    private final AtomicReference<CompletableFuture<AwsIdentity>> inFlight = new AtomicReference<>();

    RefreshingCredentials(Supplier<Uni<AwsIdentity>> fetch, Clock clock) {
        this.fetch = fetch;
        this.clock = clock;
    }

    Uni<AwsIdentity> get() {
        return Uni.createFrom().deferred(() -> {
            AwsIdentity fresh = fresh();
            return fresh != null
                    ? Uni.createFrom().item(fresh)
                    : Uni.createFrom()
                            // a copy: a caller that cancels does not cancel the fetch others wait for
                            .completionStage(refresh().minimalCompletionStage());
        });
    }

    private AwsIdentity fresh() {
        AwsIdentity c = current;
        return c != null && clock.instant().isBefore(c.refreshAt()) ? c : null;
    }

    private CompletableFuture<AwsIdentity> refresh() {
        while (true) {
            CompletableFuture<AwsIdentity> running = inFlight.get();
            if (running != null) {
                return running;
            }
            AwsIdentity fresh = fresh(); // a fetch may have finished since this caller looked
            if (fresh != null) {
                return CompletableFuture.completedFuture(fresh);
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
                                    inFlight.set(null);
                                    mine.completeExceptionally(failure);
                                });
                return mine;
            }
        }
    }
}
