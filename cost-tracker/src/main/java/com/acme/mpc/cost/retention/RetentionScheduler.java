package com.acme.mpc.cost.retention;

import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * Runs {@link UsageEventPurge} on the scheduler when {@code cost-tracker.retention.raw-events-days} is set, and
 * {@link StoredResponsePurge} when {@code cost-tracker.retention.responses-days} is (default 30).
 */
@ApplicationScoped
public class RetentionScheduler {
    private static final Logger LOG = Logger.getLogger(RetentionScheduler.class);
    private final RetentionConfig config;
    private final UsageEventPurge purge;
    private final StoredResponsePurge responses;
    private final Clock clock;

    public RetentionScheduler(RetentionConfig config, DataSource ds) {
        this.config = config;
        this.purge = new UsageEventPurge(ds, config.batchSize());
        this.responses = new StoredResponsePurge(ds, config.batchSize());
        this.clock = Clock.systemUTC();
    }

    @Scheduled(
            every = "${cost-tracker.retention.interval:1h}",
            delayed = "30s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = RetentionDisabled.class)
    void run() {
        runOnce();
        purgeResponses();
    }

    /** Deletes stored responses past {@code cost-tracker.retention.responses-days}; returns how many. */
    long purgeResponses() {
        int days = config.responsesDays();
        if (days <= 0) {
            return 0;
        }
        try {
            long n = responses.purgeOlderThan(clock.instant(), days);
            if (n > 0) {
                LOG.infof("retention: deleted %d stored responses older than %d days", n, days);
            }
            return n;
        } catch (RuntimeException e) {
            LOG.warn("stored response purge failed (retried at the next run): " + e.getMessage());
            return 0;
        }
    }

    /** One purge now; returns the number of events deleted (0 when retention is off or the purge failed). */
    long runOnce() {
        int days = config.rawEventsDays().orElse(0);
        if (days <= 0) {
            return 0;
        }
        try {
            long n = purge.purgeOlderThan(clock.instant(), days);
            if (n > 0) {
                LOG.infof("retention: deleted %d raw usage events older than %d days (rollups kept)", n, days);
            }
            return n;
        } catch (RuntimeException e) {
            LOG.warn("retention purge failed (retried at the next run): " + e.getMessage());
            return 0;
        }
    }
}
