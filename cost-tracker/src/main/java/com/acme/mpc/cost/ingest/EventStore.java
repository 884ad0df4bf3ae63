package com.acme.mpc.cost.ingest;

import io.micrometer.core.instrument.Timer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Stores one group of events (request ids unique within the group) in the caller's transaction: COPY into
 * a temporary staging table; one statement that inserts the events that are new ({@code ON CONFLICT
 * (request_id) DO NOTHING}) and keeps the rollup columns of exactly the rows it inserted; then, in its
 * turn, one statement that upserts the daily, per-dimension and per-tag rollups from those rows, adds
 * their cost to the keys' spend and settles the reservations. A re-sent event is not inserted, so it
 * never reaches a rollup. The one exception: a completed event replaces a stored {@code incomplete} event
 * of the same request_id ({@link #REPLACED_OLD}, {@link #REPLACE}), and the rollups move by the difference.
 *
 * <p>Concurrency (several writers, or several instances, on one database): the events are inserted in
 * request_id order, so the second of two transactions inserting the same request_id waits for the first
 * and then skips the row, and two transactions never wait for each other's events in both directions.
 * The rollups and key spend are written by one transaction at a time (a transaction-scoped advisory
 * lock, {@link #ROLLUP_TURN}), so they cannot deadlock whatever order the keys come in, while the next
 * group's COPY and insert overlap with the previous group's rollups and commit.
 */
final class EventStore {
    /** Columns of the staging table, in the order of {@link CopyRows}. */
    static final String COLUMNS = "request_id, call_type, start_time, first_token_time, end_time, key_hash, "
            + "key_alias, user_id, team_id, end_user, tags, model_group, model, deployment_id, provider, "
            + "api_base_host, prompt_tokens, completion_tokens, cached_read_tokens, cache_creation_tokens, "
            + "reasoning_tokens, cost_usd, cost_source, gateway_cost_usd, latency_ms, ttft_ms, status, "
            + "http_status, error_type, cache_hit, stream, client_request_id, incomplete";

    /**
     * Per session, emptied by every commit, no indexes (only ever scanned whole): the events to store,
     * and the rollup columns of those the insert actually stored.
     */
    private static final String STAGING = """
            CREATE TEMP TABLE IF NOT EXISTS ingest_staging (LIKE usage_events INCLUDING DEFAULTS)
                ON COMMIT DELETE ROWS;
            CREATE TEMP TABLE IF NOT EXISTS ingest_inserted (request_id text, day date, key_hash text, kh text,
                key_alias text, mg text, p text, u text, tm text, eu text, tags text[], status text,
                cache_hit boolean, pt integer, cpt integer, crt integer, cct integer, rt integer, c numeric, w integer)
                ON COMMIT DELETE ROWS
            """;

    private static final String COPY = "COPY ingest_staging (" + COLUMNS + ") FROM STDIN";

    /**
     * Inserts the events that are new, in request_id order, and keeps the rollup columns of exactly the
     * rows it inserted (RETURNING), so an event counts once however often it is sent. Answers the
     * request ids that were already stored.
     */
    private static final String INSERT_EVENTS = """
            WITH ins AS (
                INSERT INTO usage_events (%1$s)
                SELECT %1$s FROM ingest_staging ORDER BY request_id COLLATE "C"
                ON CONFLICT (request_id) DO NOTHING
                RETURNING request_id, (start_time AT TIME ZONE 'UTC')::date AS day, key_hash,
                    coalesce(key_hash, '') AS kh, key_alias, model_group AS mg, provider AS p,
                    coalesce(user_id, '') AS u, coalesce(team_id, '') AS tm, coalesce(end_user, '') AS eu, tags,
                    status, cache_hit, prompt_tokens AS pt, completion_tokens AS cpt, cached_read_tokens AS crt,
                    cache_creation_tokens AS cct, reasoning_tokens AS rt, cost_usd AS c, 1 AS w
            ), kept AS (
                INSERT INTO ingest_inserted SELECT * FROM ins
            )
            -- looked for only when fewer rows were inserted than staged (the common case skips the join)
            SELECT s.request_id FROM ingest_staging s
            WHERE (SELECT count(*) FROM ins) < (SELECT count(*) FROM ingest_staging)
                AND NOT EXISTS (SELECT 1 FROM ins WHERE ins.request_id = s.request_id)
            """.formatted(COLUMNS);

    /**
     * A completed event replaces the {@code incomplete} event of the same request_id (the gateway delivered the call
     * as incomplete after a crash, then its completion arrived: the completion knows the real usage). First the
     * stored incomplete rows are locked, in request_id order, and their rollup columns kept negated with weight -1, so
     * the rollups and the key's spend lose exactly what they counted for them; then the replacement below. Locking
     * re-reads the row: of two transactions replacing the same event, the second finds it complete and skips it.
     * Only run when some staged events were stored before. An incomplete event never replaces a stored one.
     */
    private static final String REPLACED_OLD = """
            INSERT INTO ingest_inserted
            SELECT u.request_id, (u.start_time AT TIME ZONE 'UTC')::date, u.key_hash, coalesce(u.key_hash, ''),
                u.key_alias, u.model_group, u.provider, coalesce(u.user_id, ''), coalesce(u.team_id, ''),
                coalesce(u.end_user, ''), u.tags, u.status, u.cache_hit, -u.prompt_tokens, -u.completion_tokens,
                -u.cached_read_tokens, -u.cache_creation_tokens, -u.reasoning_tokens, -u.cost_usd, -1
            FROM usage_events u JOIN ingest_staging s ON s.request_id = u.request_id
            WHERE u.incomplete AND NOT s.incomplete
            ORDER BY u.request_id COLLATE "C"
            FOR UPDATE OF u
            """;

    /** The replacement itself (rows locked by {@link #REPLACED_OLD}); answers the request ids replaced. */
    private static final String REPLACE = """
            WITH upd AS (
                UPDATE usage_events u SET (%1$s) = (%2$s)
                FROM ingest_staging s
                WHERE u.request_id = s.request_id AND u.incomplete AND NOT s.incomplete
                RETURNING u.request_id, (u.start_time AT TIME ZONE 'UTC')::date, u.key_hash,
                    coalesce(u.key_hash, ''), u.key_alias, u.model_group, u.provider, coalesce(u.user_id, ''),
                    coalesce(u.team_id, ''), coalesce(u.end_user, ''), u.tags, u.status, u.cache_hit, u.prompt_tokens,
                    u.completion_tokens, u.cached_read_tokens, u.cache_creation_tokens, u.reasoning_tokens,
                    u.cost_usd, 1
            ), kept AS (
                INSERT INTO ingest_inserted SELECT * FROM upd
            )
            SELECT request_id FROM upd
            """.formatted(
            String.join(", ", updatedColumns()),
            String.join(", ", updatedColumns().stream().map(col -> "s." + col).toList()));

    /**
     * Taken before the rollups, held to the commit: the rollup upserts of all writers (and instances) on
     * one database take their turns, so they never deadlock on rollup or key rows. A transaction holding
     * it never waits for another's events (it has inserted its own), so the turn cannot deadlock either.
     * Arbitrary constant.
     */
    private static final String ROLLUP_TURN = "SELECT pg_advisory_xact_lock(7306915274260348999)";

    /**
     * One aggregated upsert per rollup from the inserted rows; "" stands for "none" in rollup key columns
     * (they are part of primary keys); rows in key order. Then the keys' spend and the reservations. Rows
     * carry a weight: 1 for a stored event, -1 (values negated) for an incomplete event being replaced.
     */
    private static final String ROLLUP = """
            WITH agg AS (
                SELECT day, kh, mg, p, u, tm, eu, max(key_alias) AS ka, sum(w) AS n,
                    coalesce(sum(w) FILTER (WHERE status = 'success'), 0) AS ok,
                    coalesce(sum(w) FILTER (WHERE status <> 'success'), 0) AS ko,
                    coalesce(sum(w) FILTER (WHERE cache_hit), 0) AS hits, sum(pt) AS pt, sum(cpt) AS cpt, sum(crt) AS crt,
                    sum(cct) AS cct, sum(rt) AS rt, sum(c) AS c
                FROM ingest_inserted GROUP BY day, kh, mg, p, u, tm, eu
            ), daily AS (
                INSERT INTO daily_spend AS t (day, key_hash, model_group, provider, user_id, team_id, end_user,
                    key_alias, requests, successful_requests, failed_requests, cache_hits, prompt_tokens,
                    completion_tokens, cached_read_tokens, cache_creation_tokens, reasoning_tokens, spend)
                SELECT day, kh, mg, p, u, tm, eu, ka, n, ok, ko, hits, pt, cpt, crt, cct, rt, c
                FROM agg ORDER BY day, kh COLLATE "C", mg COLLATE "C", p COLLATE "C", u COLLATE "C", tm COLLATE "C",
                    eu COLLATE "C"
                ON CONFLICT (day, key_hash, model_group, provider, user_id, team_id, end_user) DO UPDATE SET
                    key_alias = coalesce(EXCLUDED.key_alias, t.key_alias),
                    requests = t.requests + EXCLUDED.requests,
                    successful_requests = t.successful_requests + EXCLUDED.successful_requests,
                    failed_requests = t.failed_requests + EXCLUDED.failed_requests,
                    cache_hits = t.cache_hits + EXCLUDED.cache_hits,
                    prompt_tokens = t.prompt_tokens + EXCLUDED.prompt_tokens,
                    completion_tokens = t.completion_tokens + EXCLUDED.completion_tokens,
                    cached_read_tokens = t.cached_read_tokens + EXCLUDED.cached_read_tokens,
                    cache_creation_tokens = t.cache_creation_tokens + EXCLUDED.cache_creation_tokens,
                    reasoning_tokens = t.reasoning_tokens + EXCLUDED.reasoning_tokens,
                    spend = t.spend + EXCLUDED.spend
            ), dims AS (
                -- from the daily groups, not the events: fewer rows to group seven ways
                INSERT INTO daily_dim_spend AS t (dim, day, value, key_alias, requests, prompt_tokens,
                    completion_tokens, spend)
                SELECT CASE WHEN GROUPING(mg) = 0 THEN 'model' WHEN GROUPING(kh) = 0 THEN 'key'
                            WHEN GROUPING(tm) = 0 THEN 'team' WHEN GROUPING(u) = 0 THEN 'user'
                            WHEN GROUPING(eu) = 0 THEN 'end_user' WHEN GROUPING(p) = 0 THEN 'provider'
                            ELSE 'total' END,
                    day, coalesce(mg, kh, tm, u, eu, p, ''), CASE WHEN GROUPING(kh) = 0 THEN max(ka) END,
                    sum(n), sum(pt), sum(cpt), sum(c)
                FROM agg
                GROUP BY GROUPING SETS ((day), (day, mg), (day, kh), (day, tm), (day, u), (day, eu), (day, p))
                ORDER BY 1, 2, 3
                ON CONFLICT (dim, day, value) DO UPDATE SET
                    key_alias = coalesce(EXCLUDED.key_alias, t.key_alias),
                    requests = t.requests + EXCLUDED.requests,
                    prompt_tokens = t.prompt_tokens + EXCLUDED.prompt_tokens,
                    completion_tokens = t.completion_tokens + EXCLUDED.completion_tokens,
                    spend = t.spend + EXCLUDED.spend
            ), tagged AS (
                INSERT INTO daily_tag_spend AS t (day, tag, requests, prompt_tokens, completion_tokens, spend)
                SELECT day, tag, sum(w), sum(pt), sum(cpt), sum(c)
                FROM ingest_inserted i CROSS JOIN LATERAL unnest(i.tags) AS tag
                GROUP BY day, tag ORDER BY day, tag COLLATE "C"
                ON CONFLICT (day, tag) DO UPDATE SET
                    requests = t.requests + EXCLUDED.requests,
                    prompt_tokens = t.prompt_tokens + EXCLUDED.prompt_tokens,
                    completion_tokens = t.completion_tokens + EXCLUDED.completion_tokens,
                    spend = t.spend + EXCLUDED.spend
            ), keyed AS (
                -- a key whose budget period is over starts again from 0 first
                UPDATE virtual_keys v SET
                    -- greatest: a replaced incomplete event of the period before a reset takes nothing below 0
                    spend = greatest(0, CASE WHEN v.budget_reset_at IS NOT NULL AND v.budget_reset_at <= now() THEN 0
                            ELSE v.spend END + s.amount),
                    budget_reset_at = CASE WHEN v.budget_reset_at IS NOT NULL AND v.budget_reset_at <= now()
                            THEN now() + v.budget_duration_s * interval '1 second' ELSE v.budget_reset_at END
                FROM (SELECT key_hash, sum(c) AS amount FROM ingest_inserted WHERE key_hash IS NOT NULL GROUP BY key_hash) s
                WHERE v.key_hash = s.key_hash
            ), teamed AS (
                -- the same for the key's team, the key's user and the call's end user (customer), when they exist
                UPDATE teams e SET
                    spend = greatest(0, CASE WHEN e.budget_reset_at IS NOT NULL AND e.budget_reset_at <= now() THEN 0
                            ELSE e.spend END + s.amount),
                    budget_reset_at = CASE WHEN e.budget_reset_at IS NOT NULL AND e.budget_reset_at <= now()
                            THEN now() + e.budget_duration_s * interval '1 second' ELSE e.budget_reset_at END
                FROM (SELECT tm, sum(c) AS amount FROM ingest_inserted WHERE tm <> '' GROUP BY tm) s
                WHERE e.team_id = s.tm
            ), usered AS (
                UPDATE internal_users e SET
                    spend = greatest(0, CASE WHEN e.budget_reset_at IS NOT NULL AND e.budget_reset_at <= now() THEN 0
                            ELSE e.spend END + s.amount),
                    budget_reset_at = CASE WHEN e.budget_reset_at IS NOT NULL AND e.budget_reset_at <= now()
                            THEN now() + e.budget_duration_s * interval '1 second' ELSE e.budget_reset_at END
                FROM (SELECT u, sum(c) AS amount FROM ingest_inserted WHERE u <> '' GROUP BY u) s
                WHERE e.user_id = s.u
            ), customered AS (
                UPDATE customers e SET
                    spend = greatest(0, CASE WHEN e.budget_reset_at IS NOT NULL AND e.budget_reset_at <= now() THEN 0
                            ELSE e.spend END + s.amount),
                    budget_reset_at = CASE WHEN e.budget_reset_at IS NOT NULL AND e.budget_reset_at <= now()
                            THEN now() + e.budget_duration_s * interval '1 second' ELSE e.budget_reset_at END
                FROM (SELECT eu, sum(c) AS amount FROM ingest_inserted WHERE eu <> '' GROUP BY eu) s
                WHERE e.user_id = s.eu
            ), settled AS (
                DELETE FROM key_reservations r USING ingest_staging s
                WHERE r.request_id = s.request_id AND s.key_hash IS NOT NULL
            )
            SELECT 1
            """;

    private EventStore() {}

    /** Every column but request_id, the key. */
    private static java.util.List<String> updatedColumns() {
        return java.util.Arrays.stream(COLUMNS.split(",\\s*"))
                .filter(col -> !col.equals("request_id"))
                .toList();
    }

    /** A contiguous run of COPY rows. */
    record Chunk(byte[] bytes, int offset, int length) {}

    /**
     * Stores the rows (request ids unique across all chunks) and answers the request ids among them that
     * were stored before: those were not inserted again and count nowhere.
     */
    /** Time of the COPY, and of the rest (events insert, waiting for the rollup turn, rollups). */
    record Timers(Timer copy, Timer store) {}

    static Set<String> store(Connection c, Iterable<Chunk> rows, Timers timers) throws SQLException {
        long t0 = System.nanoTime();
        try (Statement st = c.createStatement()) {
            st.execute(STAGING);
        }
        CopyIn in = c.unwrap(PGConnection.class).getCopyAPI().copyIn(COPY);
        try {
            for (Chunk r : rows) {
                in.writeToCopy(r.bytes(), r.offset(), r.length());
            }
            in.endCopy();
        } finally {
            if (in.isActive()) {
                in.cancelCopy();
            }
        }
        long t1 = System.nanoTime();
        timers.copy().record(t1 - t0, TimeUnit.NANOSECONDS);
        Set<String> before = new HashSet<>();
        // prepared: the driver keeps them per connection and the server reuses their plans
        try (PreparedStatement ps = c.prepareStatement(INSERT_EVENTS);
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                before.add(rs.getString(1));
            }
        }
        if (!before.isEmpty()) {
            try (PreparedStatement old = c.prepareStatement(REPLACED_OLD);
                    PreparedStatement replace = c.prepareStatement(REPLACE)) {
                old.executeUpdate();
                try (ResultSet rs = replace.executeQuery()) {
                    while (rs.next()) {
                        // stored now in its completed form: counts as accepted, not as a duplicate
                        before.remove(rs.getString(1));
                    }
                }
            }
        }
        try (PreparedStatement turn = c.prepareStatement(ROLLUP_TURN);
                PreparedStatement rollup = c.prepareStatement(ROLLUP)) {
            turn.execute();
            rollup.execute();
        }
        timers.store().record(System.nanoTime() - t1, TimeUnit.NANOSECONDS);
        return before;
    }
}
