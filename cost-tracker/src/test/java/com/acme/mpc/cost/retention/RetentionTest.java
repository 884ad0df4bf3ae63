package com.acme.mpc.cost.retention;

import static com.acme.mpc.cost.TestSupport.admin;
import static com.acme.mpc.cost.TestSupport.event;
import static com.acme.mpc.cost.TestSupport.map;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.acme.mpc.cost.TestDatabase;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Retention on a real PostgreSQL: raw events older than the configured days are deleted by the scheduler's job
 * in batches, newer ones and the rollups stay, so spend reports over the purged days do not change.
 */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
@TestProfile(RetentionTest.ThirtyDays.class)
class RetentionTest {
    /** 30 days, batches of 3 rows (so the purge needs several transactions), the timer far away. */
    public static class ThirtyDays implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "cost-tracker.retention.raw-events-days", "30",
                    "cost-tracker.retention.batch-size", "3",
                    "cost-tracker.retention.interval", "24h");
        }
    }

    @Inject
    AgroalDataSource ds;

    @Inject
    RetentionScheduler scheduler;

    @Test
    void oldRawEventsGoNewOnesAndTheRollupsStay() throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Instant old =
                now.truncatedTo(ChronoUnit.DAYS).minus(45, ChronoUnit.DAYS).plus(10, ChronoUnit.HOURS);
        Instant recent = now.minus(2, ChronoUnit.DAYS);
        List<Map<String, Object>> events = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            events.add(at("ret-old-" + i, old.plusSeconds(i)));
        }
        events.add(at("ret-old-late", old.plusSeconds(100))); // old call, stored only now (a late re-send)
        events.add(at("ret-new-1", recent));
        events.add(at("ret-new-2", recent.plusSeconds(1)));
        admin().body(events).post("/usage/events").then().statusCode(200).body("accepted", equalTo(10));
        // the seven old calls were stored when they happened; the late one and the new ones were stored now
        exec("UPDATE usage_events SET ingested_at = start_time WHERE request_id LIKE 'ret-old-_'");
        String oldDay = old.toString().substring(0, 10);
        String report = "/global/spend/report?start_date=" + oldDay + "&end_date=" + oldDay
                + "&group_by=customer&granularity=total&flat=true";
        String before = admin().get(report).then().statusCode(200).extract().asString();

        assertEquals(7, scheduler.runOnce());

        assertEquals(List.of("ret-new-1", "ret-new-2", "ret-old-late"), remaining());
        // the spend of the purged day comes from the rollups and is unchanged
        admin().get(report).then().statusCode(200).body(equalTo(before));
        admin().get(report)
                .then()
                .body("end_user", equalTo(List.of("retention-app")))
                .body("requests", equalTo(List.of(8)));
        // idempotent: nothing left to delete
        assertEquals(0, scheduler.runOnce());
    }

    @Test
    void retentionBelowOneDayIsRefused() {
        UsageEventPurge purge = new UsageEventPurge(ds, 10);
        assertThrows(IllegalArgumentException.class, () -> purge.purgeOlderThan(Instant.now(), 0));
        assertThrows(IllegalArgumentException.class, () -> new UsageEventPurge(ds, 0));
    }

    private static Map<String, Object> at(String id, Instant start) {
        return event(map(
                "request_id",
                id,
                "first_token_time",
                null,
                "start_time",
                start.toString(),
                "end_time",
                start.plusSeconds(1).toString(),
                "end_user",
                "retention-app"));
    }

    private List<String> remaining() throws Exception {
        List<String> ids = new ArrayList<>();
        try (Connection c = ds.getConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(
                        "SELECT request_id FROM usage_events WHERE request_id LIKE 'ret-%' ORDER BY request_id")) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
        }
        return ids;
    }

    private void exec(String sql) throws Exception {
        try (Connection c = ds.getConnection();
                Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }
}
