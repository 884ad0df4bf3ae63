package com.acme.mpc.gateway.provider.auth;

import io.smallrye.mutiny.Uni;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * One credential source's current credentials (AWS STS sessions, Google OAuth2 access tokens). From their
 * {@link Expiring#refreshAt()} a fetch starts in the background while callers keep using them; callers wait only when
 * there are none, or when they expire within {@link #MIN_REMAINING}. Concurrent callers share the one fetch in flight.
 * A failed fetch fails the callers that waited for it; a failed background fetch leaves the current credentials in use
 * and is tried again after {@link #RETRY_AFTER_FAILURE}. Never blocks: callers get a {@link Uni}.
 *
 * @param <T> the credentials, with when to fetch them again and when they stop working
 */
public final class RefreshingCredentials<T extends RefreshingCredentials.Expiring> {
    /** Credentials closer to their expiry than this are not handed out: a call signed now must still be valid. */
    public static final Duration MIN_REMAINING = Duration.ofMinutes(1);

    public static final Duration RETRY_AFTER_FAILURE = Duration.ofSeconds(15);
    private static final Logger LOG = Logger.getLogger(RefreshingCredentials.class);

    /** Credentials that need fetching again. */
    public interface Expiring {
        /** From this instant a new fetch starts; callers keep using these until {@link #expiresAt()} is near. */
        Instant refreshAt();

        /** When these stop working. */
        Instant expiresAt();
    }

    private final Supplier<Uni<T>> fetch;
    private final Clock clock;
    private final String what;
    private volatile T current;
    private volatile Instant quietUntil = Instant.MIN;
    private final AtomicReference<CompletableFuture<T>> inFlight = new AtomicReference<>();

    /** @param what names the credentials in the warning logged when a background renewal fails */
    public RefreshingCredentials(Supplier<Uni<T>> fetch, Clock clock, String what) {
        this.fetch = fetch;
        this.clock = clock;
        this.what = what;
    }

    public Uni<T> get() {
        return Uni.createFrom().deferred(() -> {
            Instant now = clock.instant();
            T c = current;
            if (c != null && now.isBefore(c.refreshAt())) {
                return Uni.createFrom().item(c);
            }
            if (usable(c, now)) {
                if (now.isAfter(quietUntil)) {
                    refresh(); // in the background: this caller uses the credentials it has
                }
                return Uni.createFrom().item(c);
            }
            return Uni.createFrom()
                    // a copy: a caller that cancels does not cancel the fetch others wait for
                    .completionStage(refresh().minimalCompletionStage());
        });
    }

    /** The provider refused {@code refused} (revoked, or expired early): the next caller fetches new credentials. */
    public void invalidate(T refused) {
        if (current == refused) {
            current = null;
        }
    }

    private boolean usable(T c, Instant now) {
        return c != null && now.plus(MIN_REMAINING).isBefore(c.expiresAt());
    }

    private CompletableFuture<T> refresh() {
        while (true) {
            CompletableFuture<T> running = inFlight.get();
            if (running != null) {
                return running;
            }
            T c = current; // a fetch may have finished since this caller looked
            if (c != null && clock.instant().isBefore(c.refreshAt())) {
                return CompletableFuture.completedFuture(c);
            }
            CompletableFuture<T> mine = new CompletableFuture<>();
            if (inFlight.compareAndSet(null, mine)) {
                Uni.createFrom()
                        .<T>deferred(fetch::get)
                        .subscribe()
                        .with(
                                fetched -> {
                                    current = fetched;
                                    inFlight.set(null);
                                    mine.complete(fetched);
                                },
                                failure -> {
                                    quietUntil = clock.instant().plus(RETRY_AFTER_FAILURE);
                                    inFlight.set(null);
                                    if (usable(current, clock.instant())) {
                                        // the message names the source and the issuer's reason, never a secret
                                        LOG.warnf(
                                                "%s could not be renewed; the current ones are used until they expire:"
                                                        + " %s",
                                                what, failure.getMessage());
                                    }
                                    mine.completeExceptionally(failure);
                                });
                return mine;
            }
        }
    }
}
