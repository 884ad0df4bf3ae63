package com.acme.mpc.cost;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

@ConfigMapping(prefix = "cost-tracker")
public interface CostTrackerConfig {
    /** The stack's master key (LITELLM_MASTER_KEY). Unset: admin endpoints are open (local demo). */
    Optional<String> masterKey();

    Pricing pricing();

    Ingest ingest();

    Reservations reservations();

    interface Pricing {
        /** A JSON file in the format of pricing/model_prices.json whose models override the built-in ones. */
        Optional<String> overrideFile();
    }

    interface Ingest {
        /** Most events accepted in one POST /usage/events. */
        @WithDefault("1000")
        int maxBatch();
    }

    interface Reservations {
        /** An open budget reservation is ignored (and purged) after this long. */
        @WithDefault("10m")
        Duration ttl();
    }
}
