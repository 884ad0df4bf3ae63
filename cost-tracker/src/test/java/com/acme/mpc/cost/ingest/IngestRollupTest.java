package com.acme.mpc.cost.ingest;

import static com.acme.mpc.cost.TestSupport.admin;
import static com.acme.mpc.cost.TestSupport.event;
import static com.acme.mpc.cost.TestSupport.map;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.acme.mpc.cost.TestDatabase;
import com.acme.mpc.cost.db.Db;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The rollups are compared with sums computed here, in Java, from the events as stored in usage_events
 * (an independent oracle, not the SQL that maintains them). Each test uses days of its own, so the
 * per-day rollup rows of those days hold its events only.
 */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class IngestRollupTest {
    @Inject
    AgroalDataSource ds;

    @Inject
    IngestService ingest;

    @Inject
    ObjectMapper mapper;

    @Test
    void rollupsEqualTheSumsOfTheStoredEventsAfterMixedBatchesWithDuplicates() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        var keyA = KeyFixture.generate("ka-" + run);
        var keyB = KeyFixture.generate("kb-" + run);
        List<Map<String, Object>> first = new ArrayList<>();
        Map<String, Object> resent = event(map(
                "start_time",
                "2031-03-01T08:00:00Z",
                "first_token_time",
                null,
                "end_time",
                "2031-03-01T08:00:01Z",
                "key_hash",
                keyA.hash(),
                "key_alias",
                keyA.alias(),
                "user",
                "u1-" + run,
                "tags",
                List.of("x-" + run)));
        first.add(resent);
        admin().body(first).post("/usage/events").then().statusCode(200).body("accepted", equalTo(1));

        List<Map<String, Object>> second = new ArrayList<>();
        String[][] who = {
            {keyA.hash(), keyA.alias(), "u1-" + run, "t1-" + run, "e1-" + run},
            {keyB.hash(), keyB.alias(), "u2-" + run, "t1-" + run, null},
            {null, null, null, null, "e2-" + run},
            {keyB.hash(), keyB.alias(), "u1-" + run, null, "e1-" + run}
        };
        String[][] models = {
            {"gpt-4o", "gpt-4o-2024-08-06", "openai"},
            {"claude-sonnet-4", "claude-sonnet-4-20250514", "anthropic"},
            {"gpt-4.1", "gpt-4.1", "azure"}
        };
        List<List<String>> tags = Arrays.asList(List.of("x-" + run, "y-" + run), List.of("y-" + run), null, List.of());
        for (int i = 0; i < 24; i++) {
            String[] w = who[i % who.length];
            String[] m = models[i % models.length];
            // 23:30 at -01:00 is the next day in UTC: rollups are per UTC day
            String start = i % 5 == 4 ? "2031-03-01T23:30:00-01:00" : "2031-03-0" + (1 + i % 2) + "T10:00:00Z";
            second.add(event(map(
                    "start_time",
                    start,
                    "first_token_time",
                    null,
                    "end_time",
                    start.replace(":00:00", ":00:02"),
                    "key_hash",
                    w[0],
                    "key_alias",
                    w[1],
                    "user",
                    w[2],
                    "team_id",
                    w[3],
                    "end_user",
                    w[4],
                    "model_group",
                    m[0],
                    "model",
                    m[1],
                    "provider",
                    m[2],
                    "tags",
                    tags.get(i % tags.size()),
                    "prompt_tokens",
                    1000 + 37 * i,
                    "completion_tokens",
                    100 + 11 * i,
                    "cached_read_tokens",
                    i % 3 == 0 ? 200 : 0,
                    "cache_creation_tokens",
                    i % 7 == 0 ? 100 : 0,
                    "reasoning_tokens",
                    i % 4 == 0 ? 50 : 0,
                    "status",
                    i % 6 == 5 ? "failure" : "success",
                    "http_status",
                    i % 6 == 5 ? 429 : 200,
                    "cache_hit",
                    i % 8 == 7)));
        }
        Map<String, Object> again = new java.util.LinkedHashMap<>(second.get(3));
        again.put("prompt_tokens", 999_999); // the first occurrence in the batch is the one stored
        second.add(again);
        Map<String, Object> resentChanged = new java.util.LinkedHashMap<>(resent);
        resentChanged.put("completion_tokens", 77_777); // already stored: ignored
        second.add(resentChanged);

        admin().body(second)
                .post("/usage/events")
                .then()
                .statusCode(200)
                .body("accepted", equalTo(24))
                .body("duplicates", equalTo(2));
        assertRollupsMatchStoredEvents("2031-03-01", "2031-03-02");
        assertEquals(
                1000 + 37 * 3,
                intValue("SELECT prompt_tokens FROM usage_events WHERE request_id = ?", again.get("request_id")));
        assertEquals(
                100,
                intValue("SELECT completion_tokens FROM usage_events WHERE request_id = ?", resent.get("request_id")));
        assertKeySpendIsTheSumOfItsEvents(keyA.hash());
        assertKeySpendIsTheSumOfItsEvents(keyB.hash());

        // the whole batch again: nothing is stored, nothing moves
        admin().body(second)
                .post("/usage/events")
                .then()
                .statusCode(200)
                .body("accepted", equalTo(0))
                .body("duplicates", equalTo(26));
        assertRollupsMatchStoredEvents("2031-03-01", "2031-03-02");
        assertKeySpendIsTheSumOfItsEvents(keyA.hash());
    }

    /**
     * The gateway delivers a call it dispatched and never completed (it was killed) as an {@code incomplete}
     * event; should the call's completed event arrive too (same request_id), the completed one replaces it:
     * one row, its real usage, and the rollups and the key's spend move from the incomplete event's amounts to
     * the completed one's. An incomplete event never replaces a stored event. Also within one batch.
     */
    @Test
    void aCompletedEventReplacesTheIncompleteEventOfTheSameCallAndNeverTheOtherWayRound() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        var key = KeyFixture.generate("kinc-" + run);
        java.util.function.BiFunction<String, Boolean, Map<String, Object>> call = (id, incomplete) -> event(map(
                "request_id",
                id,
                "start_time",
                "2031-05-01T09:00:00Z",
                "first_token_time",
                null,
                "end_time",
                "2031-05-01T09:00:03Z",
                "key_hash",
                key.hash(),
                "key_alias",
                key.alias(),
                "tags",
                List.of("inc-" + run),
                "prompt_tokens",
                incomplete ? 900 : 1000,
                "completion_tokens",
                incomplete ? 40 : 150,
                "status",
                incomplete ? "failure" : "success",
                "http_status",
                incomplete ? null : 200,
                "error_type",
                incomplete ? "gateway_stopped" : null,
                "incomplete",
                incomplete));
        String a = run + "-a";
        admin().body(List.of(call.apply(a, true)))
                .post("/usage/events")
                .then()
                .statusCode(200)
                .body("accepted", equalTo(1));
        assertRollupsMatchStoredEvents("2031-05-01");
        assertKeySpendIsTheSumOfItsEvents(key.hash());

        admin().body(List.of(call.apply(a, false)))
                .post("/usage/events")
                .then()
                .statusCode(200)
                .body("accepted", equalTo(1))
                .body("duplicates", equalTo(0));
        assertEquals(1, intValue("SELECT count(*) FROM usage_events WHERE request_id = ?", a));
        assertEquals(150, intValue("SELECT completion_tokens FROM usage_events WHERE request_id = ?", a));
        assertEquals(0, intValue("SELECT incomplete::int FROM usage_events WHERE request_id = ?", a));
        assertEquals(1, intValue("SELECT requests::int FROM daily_tag_spend WHERE tag = ?", "inc-" + run), "requests");
        assertRollupsMatchStoredEvents("2031-05-01");
        assertKeySpendIsTheSumOfItsEvents(key.hash());

        // a late incomplete event (or a re-sent one) changes nothing
        admin().body(List.of(call.apply(a, true)))
                .post("/usage/events")
                .then()
                .statusCode(200)
                .body("accepted", equalTo(0))
                .body("duplicates", equalTo(1));
        assertEquals(150, intValue("SELECT completion_tokens FROM usage_events WHERE request_id = ?", a));
        // the completed one again: already complete, a duplicate
        admin().body(List.of(call.apply(a, false)))
                .post("/usage/events")
                .then()
                .statusCode(200)
                .body("duplicates", equalTo(1));

        // both in one batch, either order: the completed one is stored
        String b = run + "-b";
        String c = run + "-c";
        admin().body(List.of(call.apply(b, true), call.apply(b, false), call.apply(c, false), call.apply(c, true)))
                .post("/usage/events")
                .then()
                .statusCode(200)
                .body("accepted", equalTo(2))
                .body("duplicates", equalTo(2));
        assertEquals(0, intValue("SELECT count(*) FROM usage_events WHERE request_id IN (?, ?) AND incomplete", b, c));
        assertEquals(
                300, intValue("SELECT sum(completion_tokens)::int FROM usage_events WHERE request_id IN (?, ?)", b, c));
        assertEquals(3, intValue("SELECT requests::int FROM daily_tag_spend WHERE tag = ?", "inc-" + run), "requests");
        assertRollupsMatchStoredEvents("2031-05-01");
        assertKeySpendIsTheSumOfItsEvents(key.hash());
    }

    /**
     * Two instances writing at once: each has its own transaction. The second, whose group overlaps the
     * first's and lists the ids in the opposite order, waits for the first, then skips the rows the first
     * stored: every event counts once, in the events and in every rollup, and neither deadlocks.
     */
    @Test
    void twoTransactionsStoringTheSameRequestIdsCountEachOnce() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<UsageEvent> a = new ArrayList<>();
        List<UsageEvent> b = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            UsageEvent e = priced(event(map(
                    "request_id", run + "-" + i,
                    "start_time", "2031-04-0" + (1 + i % 3) + "T12:00:00Z",
                    "first_token_time", null,
                    "end_time", "2031-04-0" + (1 + i % 3) + "T12:00:01Z",
                    "user", "u" + (i % 4) + "-" + run,
                    "tags", List.of("t" + (i % 2) + "-" + run),
                    "prompt_tokens", 500 + i)));
            if (i < 30) {
                a.add(e);
            }
            if (i >= 10) {
                b.add(0, e); // 39..10: the shared ids in reverse order
            }
        }
        Timer t = new SimpleMeterRegistry().timer("t");
        EventStore.Timers timers = new EventStore.Timers(t, t);
        var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        CountDownLatch aStored = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Set<String>> first = CompletableFuture.supplyAsync(
                () -> Db.tx(ds, c -> {
                    Set<String> before = EventStore.store(c, chunks(a), timers);
                    aStored.countDown();
                    await(release);
                    return before;
                }),
                pool);
        assertTrue(aStored.await(30, TimeUnit.SECONDS));
        CompletableFuture<Set<String>> second =
                CompletableFuture.supplyAsync(() -> Db.tx(ds, c -> EventStore.store(c, chunks(b), timers)), pool);
        assertTrue(someoneWaitsForALock(), "the second transaction waits for the first one's rows");
        release.countDown();
        assertEquals(Set.of(), first.get(30, TimeUnit.SECONDS));
        Set<String> skipped = second.get(30, TimeUnit.SECONDS);
        assertEquals(20, skipped.size());
        for (int i = 10; i < 30; i++) {
            assertTrue(skipped.contains(run + "-" + i));
        }
        assertEquals(40, intValue("SELECT count(*) FROM usage_events WHERE request_id LIKE ?", run + "-%"));
        assertRollupsMatchStoredEvents("2031-04-01", "2031-04-02", "2031-04-03");
        assertFalse(skipped.contains(run + "-39"));
        pool.shutdown();
    }

    /** Many batches at once over the HTTP API, every batch touching the same keys in its own order. */
    @Test
    void concurrentBatchesOnTheSameKeysAddUpExactly() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<KeyFixture> keys = new ArrayList<>();
        for (int k = 0; k < 4; k++) {
            keys.add(KeyFixture.generate("kc" + k + "-" + run));
        }
        var pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        List<java.util.concurrent.Future<Integer>> sent = new ArrayList<>();
        for (int t = 0; t < 16; t++) {
            int thread = t;
            sent.add(pool.submit(() -> {
                List<Map<String, Object>> batch = new ArrayList<>();
                for (int i = 0; i < 60; i++) {
                    KeyFixture key = keys.get((thread % 2 == 0 ? i : 59 - i) % keys.size());
                    batch.add(event(map(
                            "request_id", run + "-" + thread + "-" + i,
                            "start_time", "2031-05-0" + (1 + i % 2) + "T09:00:00Z",
                            "first_token_time", null,
                            "end_time", "2031-05-0" + (1 + i % 2) + "T09:00:01Z",
                            "key_hash", key.hash(),
                            "key_alias", key.alias(),
                            "user", "u" + (i % 3) + "-" + run,
                            "tags", List.of("t" + (i % 5) + "-" + run),
                            "prompt_tokens", 100 + thread + i)));
                }
                return admin().body(batch)
                        .post("/usage/events")
                        .then()
                        .statusCode(200)
                        .extract()
                        .jsonPath()
                        .getInt("accepted");
            }));
        }
        int accepted = 0;
        for (var f : sent) {
            accepted += f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertEquals(16 * 60, accepted);
        assertRollupsMatchStoredEvents("2031-05-01", "2031-05-02");
        for (KeyFixture k : keys) {
            assertKeySpendIsTheSumOfItsEvents(k.hash());
        }
    }

    private UsageEvent priced(Map<String, Object> json) {
        List<EventValidator.Problem> problems = new ArrayList<>();
        UsageEvent e = EventValidator.validate(0, mapper.valueToTree(json), problems);
        assertEquals(List.of(), problems);
        return ingest.price(e);
    }

    private static List<EventStore.Chunk> chunks(List<UsageEvent> events) {
        CopyRows rows = CopyRows.of(events);
        return List.of(new EventStore.Chunk(rows.bytes(), 0, rows.length()));
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean someoneWaitsForALock() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (intValue("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                            + "AND wait_event_type = 'Lock'")
                    > 0) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }

    // ---- the oracle: rollups recomputed in Java from the stored events of the given UTC days

    private record Stored(
            String day,
            String keyHash,
            String keyAlias,
            String modelGroup,
            String provider,
            String user,
            String team,
            String endUser,
            List<String> tags,
            boolean success,
            boolean cacheHit,
            long prompt,
            long completion,
            long cachedRead,
            long cacheCreation,
            long reasoning,
            BigDecimal cost) {}

    private void assertRollupsMatchStoredEvents(String... days) throws Exception {
        List<Stored> stored = storedEvents(days);
        assertFalse(stored.isEmpty());
        TreeMap<String, long[]> daily = new TreeMap<>();
        TreeMap<String, BigDecimal> dailySpend = new TreeMap<>();
        TreeMap<String, long[]> dims = new TreeMap<>();
        TreeMap<String, BigDecimal> dimSpend = new TreeMap<>();
        TreeMap<String, String> dimAlias = new TreeMap<>();
        TreeMap<String, long[]> tagged = new TreeMap<>();
        TreeMap<String, BigDecimal> tagSpend = new TreeMap<>();
        for (Stored s : stored) {
            String k = String.join(
                    "|",
                    s.day(),
                    nz(s.keyHash()),
                    s.modelGroup(),
                    s.provider(),
                    nz(s.user()),
                    nz(s.team()),
                    nz(s.endUser()));
            add(
                    daily,
                    k,
                    1,
                    s.success() ? 1 : 0,
                    s.success() ? 0 : 1,
                    s.cacheHit() ? 1 : 0,
                    s.prompt(),
                    s.completion(),
                    s.cachedRead(),
                    s.cacheCreation(),
                    s.reasoning());
            dailySpend.merge(k, s.cost(), BigDecimal::add);
            String[][] dimValues = {
                {"total", ""},
                {"model", s.modelGroup()},
                {"key", nz(s.keyHash())},
                {"team", nz(s.team())},
                {"user", nz(s.user())},
                {"end_user", nz(s.endUser())},
                {"provider", s.provider()}
            };
            for (String[] d : dimValues) {
                String dk = String.join("|", d[0], s.day(), d[1]);
                add(dims, dk, 1, s.prompt(), s.completion());
                dimSpend.merge(dk, s.cost(), BigDecimal::add);
                if (d[0].equals("key") && s.keyAlias() != null) {
                    dimAlias.put(dk, s.keyAlias());
                }
            }
            if (s.tags() != null) {
                for (String tag : s.tags()) {
                    String tk = s.day() + "|" + tag;
                    add(tagged, tk, 1, s.prompt(), s.completion());
                    tagSpend.merge(tk, s.cost(), BigDecimal::add);
                }
            }
        }
        String in = "day IN ("
                + String.join(",", Arrays.stream(days).map(d -> "'" + d + "'").toList()) + ")";
        TreeMap<String, String> expected = new TreeMap<>();
        daily.forEach((k, v) -> expected.put(
                "daily|" + k,
                Arrays.toString(v) + " "
                        + dailySpend.get(k).stripTrailingZeros().toPlainString()));
        dims.forEach((k, v) -> expected.put(
                "dim|" + k,
                Arrays.toString(v) + " " + dimSpend.get(k).stripTrailingZeros().toPlainString() + " "
                        + dimAlias.get(k)));
        tagged.forEach((k, v) -> expected.put(
                "tag|" + k,
                Arrays.toString(v) + " " + tagSpend.get(k).stripTrailingZeros().toPlainString()));
        TreeMap<String, String> actual = new TreeMap<>();
        query(
                "SELECT day, key_hash, model_group, provider, user_id, team_id, end_user, requests, successful_requests, "
                        + "failed_requests, cache_hits, prompt_tokens, completion_tokens, cached_read_tokens, "
                        + "cache_creation_tokens, reasoning_tokens, spend FROM daily_spend WHERE " + in,
                rs -> actual.put(
                        "daily|"
                                + String.join(
                                        "|",
                                        rs.getString(1),
                                        rs.getString(2),
                                        rs.getString(3),
                                        rs.getString(4),
                                        rs.getString(5),
                                        rs.getString(6),
                                        rs.getString(7)),
                        Arrays.toString(new long[] {
                                    rs.getLong(8),
                                    rs.getLong(9),
                                    rs.getLong(10),
                                    rs.getLong(11),
                                    rs.getLong(12),
                                    rs.getLong(13),
                                    rs.getLong(14),
                                    rs.getLong(15),
                                    rs.getLong(16)
                                })
                                + " "
                                + rs.getBigDecimal(17).stripTrailingZeros().toPlainString()));
        query(
                "SELECT dim, day, value, requests, prompt_tokens, completion_tokens, spend, key_alias FROM daily_dim_spend WHERE "
                        + in,
                rs -> actual.put(
                        "dim|" + String.join("|", rs.getString(1), rs.getString(2), rs.getString(3)),
                        Arrays.toString(new long[] {rs.getLong(4), rs.getLong(5), rs.getLong(6)}) + " "
                                + rs.getBigDecimal(7).stripTrailingZeros().toPlainString() + " " + rs.getString(8)));
        query(
                "SELECT day, tag, requests, prompt_tokens, completion_tokens, spend FROM daily_tag_spend WHERE " + in,
                rs -> actual.put(
                        "tag|" + rs.getString(1) + "|" + rs.getString(2),
                        Arrays.toString(new long[] {rs.getLong(3), rs.getLong(4), rs.getLong(5)}) + " "
                                + rs.getBigDecimal(6).stripTrailingZeros().toPlainString()));
        assertEquals(expected, actual);
    }

    private static void add(TreeMap<String, long[]> m, String k, long... v) {
        long[] sum = m.computeIfAbsent(k, x -> new long[v.length]);
        for (int i = 0; i < v.length; i++) {
            sum[i] += v[i];
        }
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    private List<Stored> storedEvents(String... days) throws Exception {
        List<Stored> out = new ArrayList<>();
        String in = String.join(",", Arrays.stream(days).map(d -> "'" + d + "'").toList());
        query(
                "SELECT (start_time AT TIME ZONE 'UTC')::date, key_hash, key_alias, model_group, provider, user_id, team_id, "
                        + "end_user, tags, status, cache_hit, prompt_tokens, completion_tokens, cached_read_tokens, "
                        + "cache_creation_tokens, reasoning_tokens, cost_usd FROM usage_events "
                        + "WHERE (start_time AT TIME ZONE 'UTC')::date IN (" + in + ")",
                rs -> out.add(new Stored(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getString(5),
                        rs.getString(6),
                        rs.getString(7),
                        rs.getString(8),
                        rs.getArray(9) == null
                                ? null
                                : List.of((String[]) rs.getArray(9).getArray()),
                        rs.getString(10).equals("success"),
                        rs.getBoolean(11),
                        rs.getLong(12),
                        rs.getLong(13),
                        rs.getLong(14),
                        rs.getLong(15),
                        rs.getLong(16),
                        rs.getBigDecimal(17))));
        return out;
    }

    private void assertKeySpendIsTheSumOfItsEvents(String keyHash) throws Exception {
        BigDecimal[] spend = new BigDecimal[2];
        query(
                "SELECT (SELECT spend FROM virtual_keys WHERE key_hash = '" + keyHash + "'), "
                        + "(SELECT coalesce(sum(cost_usd), 0) FROM usage_events WHERE key_hash = '" + keyHash + "')",
                rs -> {
                    spend[0] = rs.getBigDecimal(1);
                    spend[1] = rs.getBigDecimal(2);
                });
        assertEquals(0, spend[1].compareTo(spend[0]), "key spend " + spend[0] + " vs events " + spend[1]);
        assertTrue(spend[1].signum() > 0);
    }

    @FunctionalInterface
    private interface Row {
        void accept(ResultSet rs) throws Exception;
    }

    private void query(String sql, Row row) throws Exception {
        try (Connection c = ds.getConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                row.accept(rs);
            }
        }
    }

    private int intValue(String sql, Object... args) throws Exception {
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** A virtual key created through the API (its spend is what the ingest adds to). */
    private record KeyFixture(String hash, String alias) {
        static KeyFixture generate(String alias) {
            var r = admin().body(Map.of("key_alias", alias))
                    .post("/key/generate")
                    .then()
                    .statusCode(200)
                    .extract()
                    .jsonPath();
            return new KeyFixture(r.getString("token"), alias);
        }
    }
}
