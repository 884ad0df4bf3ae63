package com.acme.mpc.cost.retention;

import com.acme.mpc.cost.db.Db;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import javax.sql.DataSource;

/** Deletes the gateway's stored Responses API state older than a cut-off, in short batches. */
public final class StoredResponsePurge {
    private static final String DELETE_BATCH = "DELETE FROM stored_responses WHERE (owner, id) IN ("
            + "SELECT owner, id FROM stored_responses WHERE created_at < ? LIMIT ?)";

    private final DataSource ds;
    private final int batchSize;

    public StoredResponsePurge(DataSource ds, int batchSize) {
        this.ds = ds;
        this.batchSize = batchSize;
    }

    /** Deletes every stored response created before {@code now - days}; returns how many. */
    public long purgeOlderThan(Instant now, int days) {
        Timestamp cutoff = Timestamp.from(now.minus(Duration.ofDays(days)));
        long total = 0;
        while (true) {
            int deleted = Db.tx(ds, c -> {
                try (PreparedStatement ps = c.prepareStatement(DELETE_BATCH)) {
                    ps.setTimestamp(1, cutoff);
                    ps.setInt(2, batchSize);
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
