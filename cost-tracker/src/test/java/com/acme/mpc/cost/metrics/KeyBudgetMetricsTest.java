package com.acme.mpc.cost.metrics;

import static com.acme.mpc.cost.TestSupport.admin;
import static com.acme.mpc.cost.TestSupport.event;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.acme.mpc.cost.TestDatabase;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The budget gauges against the real PostgreSQL, in a database of their own (so the set of keys is known): spend
 * comes from real usage events, the series are capped at max-keys (the most used first), and a key that stops being
 * usable loses its series.
 */
@QuarkusTest
@TestProfile(KeyBudgetMetricsTest.Profile.class)
class KeyBudgetMetricsTest {
    /** Own application and database; the scheduler is slowed down so only the test refreshes. */
    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("cost-tracker.budget-metrics.max-keys", "2", "cost-tracker.budget-metrics.interval", "1h");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(TestDatabase.class));
        }
    }

    @Inject
    KeyBudgetMetrics metrics;

    @Inject
    MeterRegistry registry;

    private static String key(Map<String, Object> body) {
        return admin().body(body)
                .post("/key/generate")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getString("token");
    }

    /** One usage event of the test's default size (cost 0.0035 USD) for the key. */
    private static void spend(String hash) {
        admin().body(List.of(event(Map.of("key_hash", hash))))
                .post("/usage/events")
                .then()
                .statusCode(200);
    }

    private Map<String, Double> ratios() {
        Map<String, Double> m = new TreeMap<>();
        for (Gauge g : registry.find("cost_tracker_key_budget_used_ratio").gauges()) {
            m.put(g.getId().getTag("key_alias"), g.value());
        }
        return m;
    }

    private double acquiredConnections() {
        return registry.get("cost_tracker_db_pool_acquired_connections")
                .functionCounter()
                .count();
    }

    private double keysWithBudget() {
        return registry.get("cost_tracker_keys_with_budget").gauge().value();
    }

    @Test
    void theMostUsedKeysWithABudgetAreExportedUpToTheLimitUnderTheDocumentedName() {
        String team = key(Map.of("key_alias", "team-budget", "max_budget", 0.01));
        String anonymous = key(Map.of("max_budget", 0.005));
        String roomy = key(Map.of("key_alias", "roomy", "max_budget", 100));
        key(Map.of("key_alias", "no-budget"));
        spend(team);
        spend(team);
        spend(anonymous);
        spend(roomy);

        double acquired = acquiredConnections();
        metrics.refresh();
        // the refresh is one query on one pooled connection
        assertEquals(1, acquiredConnections() - acquired);

        // 0.007 / 0.01 and 0.0035 / 0.005; "roomy" (0.0035 / 100) is third and cut by max-keys 2
        String anon = anonymous.substring(0, 8);
        Map<String, Double> r = ratios();
        assertEquals(java.util.Set.of("team-budget", anon), r.keySet());
        assertEquals(0.7, r.get("team-budget"), 1e-9);
        assertEquals(0.7, r.get(anon), 1e-9);
        assertEquals(3, keysWithBudget());

        // an exhausted key goes above 1; a blocked key can no longer spend and leaves the list
        spend(anonymous);
        admin().body(Map.of("key", team, "blocked", true))
                .post("/key/update")
                .then()
                .statusCode(200);
        metrics.refresh();
        r = ratios();
        assertEquals(java.util.Set.of(anon, "roomy"), r.keySet());
        assertEquals(1.4, r.get(anon), 1e-9);
        assertEquals(0.000035, r.get("roomy"), 1e-12);
        assertEquals(2, keysWithBudget());

        String text = io.restassured.RestAssured.given()
                .header("Accept", "text/plain; version=0.0.4")
                .get("/q/metrics")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertThat(
                text,
                matchesPattern("(?s).*\\ncost_tracker_key_budget_used_ratio\\{key_alias=\"roomy\",?} 3\\.5E-5\\n.*"));
        assertThat(text, containsString("\ncost_tracker_keys_with_budget 2.0\n"));
        // the pool under lint-clean names, Agroal's own meters filtered out
        assertThat(text, containsString("\ncost_tracker_db_pool_connections{state=\"active\","));
        assertThat(text, containsString("\ncost_tracker_db_pool_max_connections 16.0\n"));
        assertThat(text, not(containsString("agroal_")));
    }
}
