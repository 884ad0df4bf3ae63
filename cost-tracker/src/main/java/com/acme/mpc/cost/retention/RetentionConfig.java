package com.acme.mpc.cost.retention;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.OptionalInt;

/** Retention of the raw usage events (the daily rollups behind the spend reports are kept for ever). */
@ConfigMapping(prefix = "cost-tracker.retention")
public interface RetentionConfig {
    /**
     * Raw usage events ({@code usage_events}, the rows behind {@code /spend/logs}) older than this many days are
     * deleted by the scheduler (env {@code COST_TRACKER_RETENTION_RAW_EVENTS_DAYS}). Unset or 0: kept for ever.
     * An event is deleted only when both its start time and its ingestion are that old, so a late re-send of
     * an event is still recognised as a duplicate for that long after it was first stored.
     */
    OptionalInt rawEventsDays();

    /**
     * The gateway's stored Responses API state ({@code stored_responses}: responses created with {@code store: true}
     * and what {@code previous_response_id} replays) is deleted this many days after it was created (env
     * {@code COST_TRACKER_RETENTION_RESPONSES_DAYS}; OpenAI keeps responses 30 days). 0: kept for ever.
     */
    @WithDefault("30")
    int responsesDays();

    /** How often the purge runs (it also runs once shortly after startup). */
    @WithDefault("1h")
    Duration interval();

    /** Rows deleted per transaction: keeps each transaction (and the lock it holds) short. */
    @WithDefault("5000")
    int batchSize();
}
