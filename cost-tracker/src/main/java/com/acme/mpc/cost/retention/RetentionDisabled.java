package com.acme.mpc.cost.retention;

import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.ScheduledExecution;
import jakarta.inject.Singleton;

/** Skips the retention job when no retention is configured (no query at all then). */
@Singleton
public class RetentionDisabled implements Scheduled.SkipPredicate {
    private final RetentionConfig config;

    public RetentionDisabled(RetentionConfig config) {
        this.config = config;
    }

    @Override
    public boolean test(ScheduledExecution execution) {
        return config.rawEventsDays().orElse(0) <= 0 && config.responsesDays() <= 0;
    }
}
