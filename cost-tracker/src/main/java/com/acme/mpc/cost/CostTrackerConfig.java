package com.acme.mpc.cost;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

@ConfigMapping(prefix = "cost-tracker")
public interface CostTrackerConfig {
    /** The stack's master key (LITELLM_MASTER_KEY). Unset: admin endpoints are open (local demo). */
    Optional<String> masterKey();

    /**
     * LITELLM_SALT_KEY: the secret from which the key encrypting stored models' credentials is derived. Unset: the
     * master key is used (as LiteLLM); neither set: credentials are stored in clear.
     */
    Optional<String> saltKey();

    Pricing pricing();

    Ingest ingest();

    Reservations reservations();

    /** Read by EmbeddedDatabaseConfigSourceFactory while the configuration is built; declared here for docs and validation. */
    EmbeddedDb embeddedDb();

    /** How often budgets whose period is over are reset by the scheduler (they are also reset on access). */
    @WithDefault("10s")
    String budgetResetInterval();

    /** The budget gauges of metrics/KeyBudgetMetrics. */
    BudgetMetrics budgetMetrics();

    interface BudgetMetrics {
        /** How often cost_tracker_key_budget_used_ratio is refreshed from PostgreSQL. */
        @WithDefault("30s")
        String interval();

        /** Most keys exported, the most used first (bounds the series); cost_tracker_keys_with_budget counts all. */
        @WithDefault("200")
        int maxKeys();
    }

    interface EmbeddedDb {
        /** false: never start the embedded PostgreSQL. */
        @WithDefault("true")
        boolean enabled();

        /** Data directory; default ${COST_TRACKER_DATA_DIR:./data/cost-tracker-pg}. */
        Optional<String> dataDir();

        /** 0: a free port. */
        @WithDefault("0")
        int port();
    }

    interface Pricing {
        /** A JSON file in the format of pricing/model_prices.json whose models override the built-in ones. */
        Optional<String> overrideFile();
    }

    interface Ingest {
        /** Most events accepted in one POST /usage/events. */
        @WithDefault("1000")
        int maxBatch();

        /** Most events that the writer merges into one transaction (batches waiting at the same time). */
        @WithDefault("5000")
        int maxMerge();

        /** A POST /usage/events waits this long for its transaction, then answers 503 (re-send). */
        @WithDefault("60s")
        java.time.Duration writeTimeout();
    }

    interface Reservations {
        /** An open budget reservation is ignored (and purged) after this long. */
        @WithDefault("10m")
        Duration ttl();
    }
}
