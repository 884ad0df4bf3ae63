package com.acme.mpc.cost.admin;

import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/** Starts a new budget period ({@code budget_duration}) for teams, users and customers whose period is over. */
@ApplicationScoped
public class EntityBudgetMaintenance {
    private static final Logger LOG = Logger.getLogger(EntityBudgetMaintenance.class);
    private final EntityStore store;

    public EntityBudgetMaintenance(EntityStore store) {
        this.store = store;
    }

    @Scheduled(
            every = "${cost-tracker.budget-reset-interval:10s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void run() {
        try {
            int n = store.resetDue();
            if (n > 0) {
                LOG.debugf("budget period reset for %d teams, users or customers", n);
            }
        } catch (RuntimeException e) {
            LOG.warn("budget maintenance failed: " + e.getMessage());
        }
    }
}
