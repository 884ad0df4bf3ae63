package com.acme.mpc.cost.ingest;

import static com.acme.mpc.cost.TestSupport.admin;
import static com.acme.mpc.cost.TestSupport.batch;
import static com.acme.mpc.cost.TestSupport.event;
import static com.acme.mpc.cost.TestSupport.map;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.acme.mpc.cost.TestDatabase;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * A usage event is the record of a billed call: descriptive fields out of bounds are normalised and the event stored,
 * never rejected; an event whose time cannot be stored is rejected alone, the rest of its batch is stored; the
 * client's request id is kept beside the event id (docs/contracts.md).
 */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class EventNormalisationTest {
    @Inject
    AgroalDataSource ds;

    private Object[] row(String sql, Object... args) throws Exception {
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                Object[] out = new Object[rs.getMetaData().getColumnCount()];
                for (int i = 0; i < out.length; i++) {
                    out[i] = rs.getObject(i + 1);
                }
                return out;
            }
        }
    }

    @Test
    void oversizedAndNulLadenDescriptiveFieldsAreStoredNormalisedNotRejected() throws Exception {
        String run = UUID.randomUUID().toString();
        List<String> tags =
                new ArrayList<>(IntStream.range(0, 65).mapToObj(i -> "t" + i).toList());
        tags.set(3, "x".repeat(300));
        tags.set(4, "nul\0tag");
        tags.set(5, "");
        var e = event(map(
                "user",
                "u\0" + run + "y".repeat(600),
                "end_user",
                "e".repeat(600),
                "key_alias",
                42,
                "team_id",
                "t".repeat(513),
                "model",
                "m".repeat(600),
                "error_type",
                "z".repeat(200),
                "tags",
                tags,
                "client_request_id",
                "same-id\0" + run));
        admin().body(List.of(e))
                .post("/usage/events")
                .then()
                .statusCode(200)
                .body("accepted", equalTo(1))
                .body("rejected", hasSize(0))
                .body("normalised.field", hasItems("user", "end_user", "key_alias", "tags[3]", "tags[4]", "tags[5]"));
        Object[] r = row(
                "SELECT user_id, end_user, key_alias, team_id, model, error_type, cardinality(tags), tags[4], tags[5],"
                        + " client_request_id FROM usage_events WHERE request_id = ?",
                e.get("request_id"));
        assertNotNull(r, "the event is stored");
        assertEquals(("u" + run + "y".repeat(600)).substring(0, 512), r[0]);
        assertEquals("e".repeat(512), r[1]);
        assertEquals(null, r[2]);
        assertEquals(512, ((String) r[3]).length());
        assertEquals(512, ((String) r[4]).length());
        assertEquals(128, ((String) r[5]).length());
        assertEquals(64, ((Number) r[6]).intValue());
        assertEquals("x".repeat(256), r[7]);
        assertEquals("nultag", r[8]);
        assertEquals("same-id" + run, r[9]);
    }

    @Test
    void aTimestampOutOfRangeRejectsThatEventAloneWithA400() throws Exception {
        String user = "u-" + UUID.randomUUID();
        var events = batch(
                event(Map.of("user", user)),
                event(Map.of("user", user, "start_time", "+99999-01-01T00:00:00Z", "first_token_time", "x")),
                event(Map.of("user", user, "end_time", "-000001-01-01T00:00:00Z")),
                event(map("user", user, "start_time", "1969-12-31T23:59:59Z", "first_token_time", null)),
                event(Map.of("user", user, "end_time", "2026-11-20T10:00:01+18:00")),
                event(Map.of("user", user)));
        admin().body(events)
                .post("/usage/events")
                .then()
                .statusCode(400)
                .body("error.type", equalTo("invalid_request_error"))
                .body("error.code", equalTo("invalid_usage_event"))
                .body("error.param", equalTo("[1].start_time"))
                .body("error.message", startsWith("4 of 6 events rejected"))
                .body("accepted", equalTo(2))
                .body("rejected.index", not(hasItems(0, 5)));
        Object[] n = row("SELECT count(*) FROM usage_events WHERE user_id = ?", user);
        assertEquals(2L, ((Number) n[0]).longValue());
    }

    @Test
    void anOffsetPostgresCannotParseIsStoredAsTheSameInstant() throws Exception {
        String user = "u-" + UUID.randomUUID();
        // 10:00:01+15:59:59 is before the start (10:00Z); +18:00 shifts it further: use a valid later instant
        var e = event(map(
                "user",
                user,
                "start_time",
                "2026-11-21T04:00:00+18:00",
                "first_token_time",
                null,
                "end_time",
                "2026-11-20T10:00:01Z"));
        admin().body(List.of(e)).post("/usage/events").then().statusCode(200).body("accepted", equalTo(1));
        Object[] r = row(
                "SELECT start_time = '2026-11-20T10:00:00Z'::timestamptz FROM usage_events WHERE request_id = ?",
                e.get("request_id"));
        assertEquals(true, r[0]);
    }

    @Test
    void theClientsRequestIdIsStoredAndListedBesideTheEventId() {
        String clientId = "reused-" + UUID.randomUUID();
        var first = event(Map.of("client_request_id", clientId));
        var second = event(Map.of("client_request_id", clientId));
        admin().body(List.of(first, second))
                .post("/usage/events")
                .then()
                .statusCode(200)
                .body("accepted", equalTo(2))
                .body("duplicates", equalTo(0));
        admin().get("/spend/logs?client_request_id=" + clientId)
                .then()
                .statusCode(200)
                .body("request_id", hasItems(first.get("request_id"), second.get("request_id")))
                .body("client_request_id", equalTo(List.of(clientId, clientId)))
                .body("incomplete", equalTo(List.of(false, false)));
    }
}
