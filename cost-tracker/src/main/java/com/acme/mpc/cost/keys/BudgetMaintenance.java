package com.acme.mpc.cost.keys;

import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/** Resets budgets whose period is over and purges expired reservations (also done on access). */
@ApplicationScoped
public class BudgetMaintenance {
    private static final Logger LOG = Logger.getLogger(BudgetMaintenance.class);
    private final KeyService keys;

    public BudgetMaintenance(KeyService keys) {
        this.keys = keys;
    }

    @Scheduled(
            every = "${cost-tracker.budget-reset-interval:10s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void run() {
        try {
            int n = keys.maintenance();
            if (n > 0) {
                LOG.debugf("budget period reset for %d keys", n);
            }
        } catch (RuntimeException e) {
            LOG.warn("budget maintenance failed: " + e.getMessage());
        }
    }
}
