package com.acme.mpc.cost.metrics;

import com.acme.mpc.cost.CostTrackerConfig;
import com.acme.mpc.cost.db.Db;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * {@code cost_tracker_key_budget_used_ratio{key_alias}}: spend / max_budget of the keys that have a budget, so an
 * alert can warn before a key runs out. Read from PostgreSQL by the scheduler (never on a request), for usable keys
 * only (not blocked, not expired). At most {@code cost-tracker.budget-metrics.max-keys} series, the most used keys
 * first, labelled with the alias or the first 8 hex characters of the key's hash; {@code
 * cost_tracker_keys_with_budget} counts them all, so a cut list is visible.
 */
@ApplicationScoped
public class KeyBudgetMetrics {
    private static final Logger LOG = Logger.getLogger(KeyBudgetMetrics.class);

    private static final String QUERY = "SELECT COALESCE(NULLIF(key_alias, ''), left(key_hash, 8)) AS label,"
            + " (spend / max_budget)::float8 AS ratio, count(*) OVER () AS total"
            + " FROM virtual_keys"
            + " WHERE max_budget > 0 AND NOT blocked AND (expires IS NULL OR expires > now())"
            + " ORDER BY ratio DESC, key_hash LIMIT ?";

    private final AgroalDataSource ds;
    private final int maxKeys;
    private final MultiGauge usedRatio;
    private final AtomicLong keysWithBudget = new AtomicLong();

    public KeyBudgetMetrics(AgroalDataSource ds, MeterRegistry registry, CostTrackerConfig config) {
        this.ds = ds;
        this.maxKeys = config.budgetMetrics().maxKeys();
        if (maxKeys < 1) {
            throw new IllegalArgumentException(
                    "cost-tracker.budget-metrics.max-keys must be at least 1, got " + maxKeys);
        }
        this.usedRatio = MultiGauge.builder("cost_tracker_key_budget_used_ratio")
                .description("Spend divided by max_budget of a key with a budget (1 = exhausted)")
                .register(registry);
        Gauge.builder("cost_tracker_keys_with_budget", keysWithBudget, AtomicLong::get)
                .description("Usable keys that have a max_budget (the ratio gauge shows the most used of them)")
                .register(registry);
    }

    @Scheduled(
            every = "${cost-tracker.budget-metrics.interval:30s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduledRefresh() {
        try {
            refresh();
        } catch (RuntimeException e) {
            // the last values stay; the next period tries again
            LOG.warn("budget metrics not refreshed: " + e.getMessage());
        }
    }

    /** Replaces the series with the current state: keys gone from the top (or deleted) lose theirs. */
    public void refresh() {
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        long total = Db.read(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement(QUERY)) {
                ps.setInt(1, maxKeys);
                long n = 0;
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.add(MultiGauge.Row.of(Tags.of("key_alias", rs.getString("label")), rs.getDouble("ratio")));
                        n = rs.getLong("total");
                    }
                }
                return n;
            }
        });
        usedRatio.register(rows, true);
        keysWithBudget.set(total);
    }
}
