package com.acme.mpc.cost.retention;

import com.acme.mpc.cost.db.Db;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import javax.sql.DataSource;

/**
 * Deletes raw usage events older than a cut-off, in short batches. Only {@code usage_events}: the rollups
 * ({@code daily_spend} and the per-dimension ones) were updated when each event was ingested and stay, so
 * the spend reports over any period are unchanged; only {@code /spend/logs} loses the purged rows.
 */
public final class UsageEventPurge {
    private static final String DELETE_BATCH = "DELETE FROM usage_events WHERE request_id IN ("
            + "SELECT request_id FROM usage_events WHERE start_time < ? AND ingested_at < ? LIMIT ?)";

    private final DataSource ds;
    private final int batchSize;

    public UsageEventPurge(DataSource ds, int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
        }
        this.ds = ds;
        this.batchSize = batchSize;
    }

    /** Deletes every event that started and was ingested before {@code now - days}; returns how many. */
    public long purgeOlderThan(Instant now, int days) {
        if (days < 1) {
            throw new IllegalArgumentException("retention must be at least one day, got " + days);
        }
        Timestamp cutoff = Timestamp.from(now.minus(Duration.ofDays(days)));
        long total = 0;
        while (true) {
            int deleted = Db.tx(ds, c -> {
                try (PreparedStatement ps = c.prepareStatement(DELETE_BATCH)) {
                    ps.setTimestamp(1, cutoff);
                    ps.setTimestamp(2, cutoff);
                    ps.setInt(3, batchSize);
                    return ps.executeUpdate();
                }
            });
            total += deleted;
            if (deleted < batchSize) {
                return total;
            }
        }
    }
}
