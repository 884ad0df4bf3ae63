package com.acme.mpc.cost.ingest;

import static com.acme.mpc.cost.TestSupport.admin;
import static com.acme.mpc.cost.TestSupport.batch;
import static com.acme.mpc.cost.TestSupport.event;
import static com.acme.mpc.cost.TestSupport.map;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.acme.mpc.cost.TestDatabase;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class UsageIngestTest {
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
    void requiresTheMasterKey() {
        given().contentType("application/json")
                .body("[]")
                .post("/usage/events")
                .then()
                .statusCode(401)
                .body("error.type", equalTo("authentication_error"));
        given().contentType("application/json")
                .header("Authorization", "Bearer wrong")
                .body("[]")
                .post("/usage/events")
                .then()
                .statusCode(401);
    }

    @Test
    void storesPricesAndRollsUpAndIsIdempotent() throws Exception {
        String user = "u-" + UUID.randomUUID();
        String tag = "tag-" + UUID.randomUUID();
        var events = batch(
                event(Map.of("user", user, "tags", List.of(tag, "common"))),
                event(Map.of("user", user, "tags", List.of(tag), "cached_read_tokens", 400)),
                event(Map.of("user", user, "status", "failure", "error_type", "rate_limit_error", "http_status", 429)));
        admin().body(events)
                .post("/usage/events")
                .then()
                .statusCode(200)
                .body("accepted", equalTo(3))
                .body("duplicates", equalTo(0))
                .body("rejected", hasSize(0));

        // gpt-4o: 1000 in * 2.5e-6 + 100 out * 1e-5 = 0.0035; with 400 cached: 0.0015 + 0.0005 + 0.001 = 0.003
        Object[] cost = row(
                "SELECT cost_usd, cost_source FROM usage_events WHERE request_id = ?",
                events.get(1).get("request_id"));
        assertEquals(0, new BigDecimal("0.003").compareTo((BigDecimal) cost[0]));
        assertEquals("table", cost[1]);

        Object[] daily = row(
                "SELECT sum(requests), sum(successful_requests), sum(failed_requests), sum(prompt_tokens), "
                        + "sum(cached_read_tokens), sum(spend) FROM daily_spend WHERE user_id = ?",
                user);
        assertEquals(3L, ((Number) daily[0]).longValue());
        assertEquals(2L, ((Number) daily[1]).longValue());
        assertEquals(1L, ((Number) daily[2]).longValue());
        assertEquals(3000L, ((Number) daily[3]).longValue());
        assertEquals(400L, ((Number) daily[4]).longValue());
        assertEquals(0, new BigDecimal("0.0100").compareTo((BigDecimal) daily[5]));
        Object[] tagRow = row("SELECT requests, spend FROM daily_tag_spend WHERE tag = ?", tag);
        assertEquals(2L, ((Number) tagRow[0]).longValue());
        assertEquals(0, new BigDecimal("0.0065").compareTo((BigDecimal) tagRow[1]));

        // re-sent: stored once, rollups unchanged
        admin().body(events)
                .post("/usage/events")
                .then()
                .statusCode(200)
                .body("accepted", equalTo(0))
                .body("duplicates", equalTo(3));
        Object[] again = row("SELECT sum(requests), sum(spend) FROM daily_spend WHERE user_id = ?", user);
        assertEquals(3L, ((Number) again[0]).longValue());
        assertEquals(0, new BigDecimal("0.01").compareTo((BigDecimal) again[1]));
    }

    @Test
    void concurrentOverlappingBatchesAreCreditedOnce() throws Exception {
        String user = "u-" + UUID.randomUUID();
        int threads = 8;
        var pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        var go = new java.util.concurrent.CountDownLatch(1);
        List<java.util.concurrent.Future<int[]>> results = new java.util.ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int base = t * 25;
            results.add(pool.submit(() -> {
                List<Map<String, Object>> events = new java.util.ArrayList<>();
                for (int i = 0; i < 50; i++) { // overlaps the next thread's first 25 ids
                    events.add(event(Map.of("request_id", user + "-" + (base + i), "user", user)));
                }
                go.await();
                var r = admin().body(events)
                        .post("/usage/events")
                        .then()
                        .statusCode(200)
                        .extract()
                        .jsonPath();
                return new int[] {r.getInt("accepted"), r.getInt("duplicates")};
            }));
        }
        go.countDown();
        int accepted = 0;
        int dups = 0;
        for (var f : results) {
            accepted += f.get()[0];
            dups += f.get()[1];
        }
        pool.shutdown();
        int distinct = (threads - 1) * 25 + 50;
        assertEquals(distinct, accepted);
        assertEquals(threads * 50 - distinct, dups);
        Object[] daily = row("SELECT sum(requests), sum(spend) FROM daily_spend WHERE user_id = ?", user);
        assertEquals((long) distinct, ((Number) daily[0]).longValue());
        assertEquals(
                0,
                new BigDecimal("0.0035").multiply(BigDecimal.valueOf(distinct)).compareTo((BigDecimal) daily[1]));
        Object[] dim = row("SELECT requests FROM daily_dim_spend WHERE dim = 'user' AND value = ?", user);
        assertEquals((long) distinct, ((Number) dim[0]).longValue());
    }

    @Test
    void awkwardStringsRoundTrip() throws Exception {
        String user = "we\"ird\\user,{x} " + UUID.randomUUID();
        List<String> tags = List.of("a\"b", "c\\d", "NULL", "{e,f}", "ü ✓");
        var e = event(map("user", user, "tags", tags, "key_alias", "", "error_type", "NULL"));
        admin().body(List.of(e)).post("/usage/events").then().statusCode(200).body("accepted", equalTo(1));
        Object[] r = row(
                "SELECT user_id, tags, key_alias, error_type FROM usage_events WHERE request_id = ?",
                e.get("request_id"));
        assertEquals(user, r[0]);
        assertEquals(tags, List.of((String[]) ((java.sql.Array) r[1]).getArray()));
        assertEquals(null, r[2]);
        assertEquals("NULL", r[3]);
        Object[] tag = row("SELECT requests FROM daily_tag_spend WHERE tag = ?", "{e,f}");
        assertEquals(true, ((Number) tag[0]).longValue() >= 1);
    }

    @Test
    void copyEscapesTabsNewlinesBackslashesAndKeepsNonBmpText() throws Exception {
        String user = "tab\there\nnew\rline back\\slash \\N 😀 " + UUID.randomUUID();
        List<String> tags = List.of("t\tab", "back\\slash\\N", "😀", "\\");
        var e = event(map("user", user, "tags", tags, "error_type", "x\ty", "key_alias", "\\N"));
        admin().body(List.of(e)).post("/usage/events").then().statusCode(200).body("accepted", equalTo(1));
        Object[] r = row(
                "SELECT user_id, tags, error_type, key_alias FROM usage_events WHERE request_id = ?",
                e.get("request_id"));
        assertEquals(user, r[0]);
        assertEquals(tags, List.of((String[]) ((java.sql.Array) r[1]).getArray()));
        assertEquals("x\ty", r[2]);
        assertEquals("\\N", r[3]);
        Object[] daily = row("SELECT sum(requests) FROM daily_spend WHERE user_id = ?", user);
        assertEquals(1L, ((Number) daily[0]).longValue());
    }

    @Test
    void duplicateInsideOneBatchIsStoredOnce() throws Exception {
        String user = "u-" + UUID.randomUUID();
        var e = event(Map.of("user", user));
        admin().body(List.of(e, e))
                .post("/usage/events")
                .then()
                .statusCode(200)
                .body("accepted", equalTo(1))
                .body("duplicates", equalTo(1));
        Object[] daily = row("SELECT sum(requests) FROM daily_spend WHERE user_id = ?", user);
        assertEquals(1L, ((Number) daily[0]).longValue());
    }

    @Test
    void badEventsAreNamedAndGoodOnesStored() throws Exception {
        String user = "u-" + UUID.randomUUID();
        var events = batch(
                event(Map.of("user", user)),
                event(Map.of("user", user, "prompt_tokens", -5)),
                event(Map.of("user", user)),
                event(Map.of("user", user, "model_group", "", "end_time", "yesterday")),
                event(Map.of("user", user)));
        admin().body(events)
                .post("/usage/events")
                .then()
                .statusCode(400)
                .body("error.type", equalTo("invalid_request_error"))
                .body("error.code", equalTo("invalid_usage_event"))
                .body("error.param", equalTo("[1].prompt_tokens"))
                .body("error.message", startsWith("2 of 5 events rejected"))
                .body("accepted", equalTo(3))
                .body("duplicates", equalTo(0))
                .body("rejected", hasSize(3))
                .body("rejected[0].index", equalTo(1))
                .body("rejected[0].field", equalTo("prompt_tokens"))
                .body("rejected[0].message", equalTo("must be >= 0"))
                .body("rejected[1].index", equalTo(3))
                .body("rejected[1].field", equalTo("end_time"))
                .body("rejected[2].field", equalTo("model_group"));
        Object[] n = row("SELECT count(*) FROM usage_events WHERE user_id = ?", user);
        assertEquals(3L, ((Number) n[0]).longValue());
    }

    @Test
    void validatesFieldTypesAndRelations() {
        var events = batch(
                event(Map.of("key_hash", "not-a-hash")),
                event(Map.of("cached_read_tokens", 900, "cache_creation_tokens", 200)),
                event(Map.of("reasoning_tokens", 101)),
                event(Map.of("call_type", "image")),
                event(Map.of("input_cost_per_token", "abc")),
                event(Map.of("api_base_host", "https://user:pw@api.openai.com/v1")),
                event(Map.of("stream", "yes")),
                event(Map.of("prompt_tokens", 1.5)),
                event(map("end_time", "2026-11-20T09:00:00Z", "first_token_time", null)),
                event(Map.of("first_token_time", "2026-11-20T09:59:59Z")));
        var r = admin().body(events).post("/usage/events").then().statusCode(400);
        r.body("accepted", equalTo(0));
        r.body(
                "rejected.field",
                equalTo(List.of(
                        "key_hash",
                        "cached_read_tokens",
                        "reasoning_tokens",
                        "call_type",
                        "input_cost_per_token",
                        "api_base_host",
                        "stream",
                        "prompt_tokens",
                        "end_time",
                        "first_token_time")));
    }

    @Test
    void gatewayPricesAreUsedWhenSent() throws Exception {
        var e = event(Map.of(
                "model_group", "house-model",
                "model", "house-model-v2",
                "provider", "openai_compatible",
                "input_cost_per_token", "0.000001",
                "output_cost_per_token", 0.000002,
                "prompt_tokens", 1234,
                "completion_tokens", 56));
        admin().body(List.of(e)).post("/usage/events").then().statusCode(200);
        Object[] cost = row("SELECT cost_usd, cost_source FROM usage_events WHERE request_id = ?", e.get("request_id"));
        assertEquals(0, new BigDecimal("0.001346").compareTo((BigDecimal) cost[0]));
        assertEquals("gateway", cost[1]);
    }

    @Test
    void mediaCallsAreStoredWithTheGatewaysCost() throws Exception {
        var e = event(Map.of(
                "call_type",
                "transcription",
                "model_group",
                "whisper-1",
                "model",
                "whisper-1",
                "prompt_tokens",
                0,
                "completion_tokens",
                0,
                "cost_usd",
                "0.0012"));
        admin().body(List.of(e)).post("/usage/events").then().statusCode(200);
        Object[] stored = row("SELECT call_type, cost_usd FROM usage_events WHERE request_id = ?", e.get("request_id"));
        assertEquals("transcription", stored[0]);
        assertEquals(0, new BigDecimal("0.0012").compareTo((BigDecimal) stored[1]));
    }

    @Test
    void nonArrayAndBrokenJsonAre400() {
        admin().body("{\"request_id\":\"x\"}")
                .post("/usage/events")
                .then()
                .statusCode(400)
                .body("error.type", equalTo("invalid_request_error"))
                .body("error.code", equalTo("invalid_usage_batch"));
        admin().body("[{\"request_id\": ")
                .post("/usage/events")
                .then()
                .statusCode(400)
                .body("error.type", equalTo("invalid_request_error"))
                .body("error.code", equalTo("invalid_json"));
        admin().body("[]").post("/usage/events").then().statusCode(400);
    }
}
