package com.acme.mpc.cost.ingest;

import com.acme.mpc.cost.CostTrackerConfig;
import com.acme.mpc.cost.api.ApiException;
import com.acme.mpc.cost.db.Db;
import com.acme.mpc.cost.pricing.CostCalculator;
import com.acme.mpc.cost.pricing.PriceTable;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * Stores a batch of validated events and keeps the rollups, key spend and reservations current, all in
 * one transaction: events are inserted with one multi-row INSERT ... ON CONFLICT (request_id) DO NOTHING
 * RETURNING request_id, and only the rows actually inserted feed the rollups (a re-sent event never
 * counts twice).
 */
@ApplicationScoped
public class IngestService {
    private static final Logger LOG = Logger.getLogger(IngestService.class);

    public record Result(int accepted, int duplicates) {}

    private static final DateTimeFormatter TS = DateTimeFormatter.ISO_OFFSET_DATE_TIME;

    private static final String INSERT_EVENTS = """
            INSERT INTO usage_events (request_id, call_type, start_time, first_token_time, end_time, key_hash,
                key_alias, user_id, team_id, end_user, tags, model_group, model, deployment_id, provider,
                api_base_host, prompt_tokens, completion_tokens, cached_read_tokens, cache_creation_tokens,
                reasoning_tokens, cost_usd, cost_source, gateway_cost_usd, latency_ms, ttft_ms, status,
                http_status, error_type, cache_hit, stream)
            SELECT r, ct, st::timestamptz, ft::timestamptz, et::timestamptz, kh, ka, u, tm, eu, tg::text[], mg, m,
                d, p, ab, pt, cpt, crt, cct, rt, c::numeric, cs, gc::numeric, l, tt, s, hs, e, ch, str
            FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
                ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
                ?::int4[], ?::int4[], ?::int4[], ?::int4[], ?::int4[], ?::text[], ?::text[], ?::text[],
                ?::int4[], ?::int4[], ?::text[], ?::int4[], ?::text[], ?::bool[], ?::bool[])
              AS x(r, ct, st, ft, et, kh, ka, u, tm, eu, tg, mg, m, d, p, ab, pt, cpt, crt, cct, rt, c, cs, gc,
                   l, tt, s, hs, e, ch, str)
            ON CONFLICT (request_id) DO NOTHING
            RETURNING request_id
            """;

    private static final String UPSERT_DAILY = """
            INSERT INTO daily_spend AS t (day, key_hash, model_group, provider, user_id, team_id, end_user,
                key_alias, requests, successful_requests, failed_requests, cache_hits, prompt_tokens,
                completion_tokens, cached_read_tokens, cache_creation_tokens, reasoning_tokens, spend)
            SELECT dy::date, kh, mg, p, u, tm, eu, ka, n, ok, ko, ch, pt, cpt, crt, cct, rt, c::numeric
            FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
                ?::int8[], ?::int8[], ?::int8[], ?::int8[], ?::int8[], ?::int8[], ?::int8[], ?::int8[], ?::int8[],
                ?::text[])
              AS x(dy, kh, mg, p, u, tm, eu, ka, n, ok, ko, ch, pt, cpt, crt, cct, rt, c)
            ON CONFLICT (day, key_hash, model_group, provider, user_id, team_id, end_user) DO UPDATE SET
                key_alias = COALESCE(EXCLUDED.key_alias, t.key_alias),
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
            """;

    private static final String UPSERT_TAGS = """
            INSERT INTO daily_tag_spend AS t (day, tag, requests, prompt_tokens, completion_tokens, spend)
            SELECT dy::date, tg, n, pt, cpt, c::numeric
            FROM unnest(?::text[], ?::text[], ?::int8[], ?::int8[], ?::int8[], ?::text[]) AS x(dy, tg, n, pt, cpt, c)
            ON CONFLICT (day, tag) DO UPDATE SET
                requests = t.requests + EXCLUDED.requests,
                prompt_tokens = t.prompt_tokens + EXCLUDED.prompt_tokens,
                completion_tokens = t.completion_tokens + EXCLUDED.completion_tokens,
                spend = t.spend + EXCLUDED.spend
            """;

    private static final String UPSERT_DIMS = """
            INSERT INTO daily_dim_spend AS t (dim, day, value, key_alias, requests, prompt_tokens, completion_tokens, spend)
            SELECT dm, dy::date, v, ka, n, pt, cpt, c::numeric
            FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::int8[], ?::int8[], ?::int8[], ?::text[])
              AS x(dm, dy, v, ka, n, pt, cpt, c)
            ON CONFLICT (dim, day, value) DO UPDATE SET
                key_alias = COALESCE(EXCLUDED.key_alias, t.key_alias),
                requests = t.requests + EXCLUDED.requests,
                prompt_tokens = t.prompt_tokens + EXCLUDED.prompt_tokens,
                completion_tokens = t.completion_tokens + EXCLUDED.completion_tokens,
                spend = t.spend + EXCLUDED.spend
            """;

    /** Adds spend to the keys; a key whose budget period is over starts again from 0 first. */
    private static final String ADD_KEY_SPEND = """
            UPDATE virtual_keys v SET
                spend = CASE WHEN v.budget_reset_at IS NOT NULL AND v.budget_reset_at <= now() THEN 0
                        ELSE v.spend END + d.amt::numeric,
                budget_reset_at = CASE WHEN v.budget_reset_at IS NOT NULL AND v.budget_reset_at <= now()
                        THEN now() + v.budget_duration_s * interval '1 second' ELSE v.budget_reset_at END
            FROM unnest(?::text[], ?::text[]) AS d(h, amt)
            WHERE v.key_hash = d.h
            """;

    private static final String SETTLE_RESERVATIONS = "DELETE FROM key_reservations WHERE request_id = ANY(?::text[])";

    private final AgroalDataSource ds;
    private final CostCalculator calculator;
    private final Counter ingested;
    private final Counter duplicates;
    private final Counter rejected;
    private final Counter spendTotal;
    private final Counter unpriced;
    private final Timer batchTimer;
    private final DistributionSummary groupSize;
    private final int maxMerge;
    private final java.time.Duration writeTimeout;
    private final MeterRegistry registry;
    private final Map<String, Timer> phases = new java.util.concurrent.ConcurrentHashMap<>();

    public IngestService(AgroalDataSource ds, PriceTable prices, MeterRegistry registry, CostTrackerConfig config) {
        this.ds = ds;
        this.maxMerge = config.ingest().maxMerge();
        this.writeTimeout = config.ingest().writeTimeout();
        this.groupSize = DistributionSummary.builder("cost_tracker_ingest_group_events")
                .description("events stored by one transaction of the writer (batches merged)")
                .register(registry);
        this.registry = registry;
        this.calculator = new CostCalculator(prices);
        this.ingested = Counter.builder("cost_tracker_events_ingested")
                .description("usage events stored")
                .register(registry);
        this.duplicates = Counter.builder("cost_tracker_events_duplicates")
                .description("usage events ignored because their request_id was already stored")
                .register(registry);
        this.rejected = Counter.builder("cost_tracker_events_rejected")
                .description("usage events rejected by validation")
                .register(registry);
        this.spendTotal = Counter.builder("cost_tracker_spend_usd")
                .description("spend of the stored usage events, USD")
                .register(registry);
        this.unpriced = Counter.builder("cost_tracker_events_unpriced")
                .description("stored usage events of a model with no known price (cost 0)")
                .register(registry);
        this.batchTimer = Timer.builder("cost_tracker_ingest_batch_duration")
                .description("time to store one group of usage events (one transaction)")
                .publishPercentileHistogram()
                .register(registry);
    }

    private long phase(String name, long since) {
        long now = System.nanoTime();
        phases.computeIfAbsent(
                        name,
                        n -> Timer.builder("cost_tracker_ingest_phase_duration")
                                .description("time of one step of storing a batch")
                                .tag("phase", n)
                                .register(registry))
                .record(now - since, java.util.concurrent.TimeUnit.NANOSECONDS);
        return now;
    }

    public void countRejected(int n) {
        rejected.increment(n);
    }

    public UsageEvent price(UsageEvent e) {
        CostCalculator.Cost c = calculator.cost(new CostCalculator.Usage(
                e.provider(),
                e.model(),
                e.modelGroup(),
                e.promptTokens(),
                e.completionTokens(),
                e.cachedReadTokens(),
                e.cacheCreationTokens(),
                e.reasoningTokens(),
                e.cacheHit(),
                e.inputCostPerToken(),
                e.outputCostPerToken()));
        return e.withCost(c.usd(), c.source());
    }

    /**
     * Prices the events in the caller's thread, then hands them to the single writer, which merges the
     * batches waiting at that moment into one transaction (group commit): concurrent HTTP batches never
     * wait for each other's row locks on the hot rollup and key rows, and the rollup upserts and the
     * commit are paid once per group instead of once per batch.
     */
    public Result ingest(List<UsageEvent> events) {
        if (events.isEmpty()) {
            return new Result(0, 0);
        }
        List<UsageEvent> priced = new ArrayList<>(events.size());
        for (UsageEvent e : events) {
            priced.add(price(e));
        }
        Pending p = new Pending(priced, new CompletableFuture<>());
        if (!running) {
            throw new ApiException(503, "api_error", "cost-tracker is shutting down; re-send the batch", null, null);
        }
        queue.add(p);
        try {
            return p.done().get(writeTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new ApiException(
                    503, "api_error", "storing the batch timed out; re-send it (idempotent)", null, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(503, "api_error", "interrupted; re-send the batch", null, null);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private record Pending(List<UsageEvent> events, CompletableFuture<Result> done) {}

    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Set<String> warnedUnpriced = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile boolean running = true;
    private Thread writer;

    @PostConstruct
    void startWriter() {
        writer = Thread.ofPlatform().name("cost-tracker-ingest-writer").daemon().start(this::writeLoop);
    }

    @PreDestroy
    void stopWriter() {
        running = false;
        try {
            writer.join(30_000); // finishes what is queued
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void writeLoop() {
        Pending carry = null;
        while (running || carry != null || !queue.isEmpty()) {
            try {
                Pending first = carry != null ? carry : queue.poll(200, TimeUnit.MILLISECONDS);
                carry = null;
                if (first == null) {
                    continue;
                }
                List<Pending> group = new ArrayList<>();
                group.add(first);
                int n = first.events().size();
                Pending next;
                while (n < maxMerge && (next = queue.poll()) != null) {
                    if (n + next.events().size() > maxMerge) {
                        carry = next;
                        break;
                    }
                    group.add(next);
                    n += next.events().size();
                }
                writeGroup(group, n);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.error("ingest writer", e);
            }
        }
    }

    private void writeGroup(List<Pending> group, int size) {
        long t0 = System.nanoTime();
        // the first event of each request_id (in arrival order) is the one stored; later ones are duplicates
        Map<String, UsageEvent> unique = new LinkedHashMap<>(size * 2);
        for (Pending p : group) {
            for (UsageEvent e : p.events()) {
                unique.putIfAbsent(e.requestId(), e);
            }
        }
        List<UsageEvent> batch = new ArrayList<>(unique.values());
        List<UsageEvent> stored;
        try {
            stored = Db.tx(ds, c -> store(c, batch));
        } catch (RuntimeException e) {
            LOG.warnf("storing %d usage events failed (the senders get a 5xx and re-send): %s", size, e.getMessage());
            for (Pending p : group) {
                p.done().completeExceptionally(e);
            }
            return;
        }
        Set<String> credit = new HashSet<>(stored.size() * 2);
        BigDecimal spend = BigDecimal.ZERO;
        for (UsageEvent e : stored) {
            credit.add(e.requestId());
            spend = spend.add(e.costUsd());
            if ("unpriced".equals(e.costSource())) {
                unpriced.increment();
                String model = e.provider() + "/" + (e.model() != null ? e.model() : e.modelGroup());
                if (warnedUnpriced.size() < 1000 && warnedUnpriced.add(model)) {
                    LOG.warnf(
                            "no price for %s (model group %s): its usage is stored with cost 0; send model_info "
                                    + "prices from the gateway or add it to cost-tracker.pricing.override-file",
                            model, e.modelGroup());
                }
            }
        }
        for (Pending p : group) {
            int accepted = 0;
            for (UsageEvent e : p.events()) {
                if (credit.remove(e.requestId())) {
                    accepted++;
                }
            }
            p.done().complete(new Result(accepted, p.events().size() - accepted));
        }
        ingested.increment(stored.size());
        duplicates.increment(size - stored.size());
        spendTotal.increment(spend.doubleValue());
        groupSize.record(size);
        batchTimer.record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
    }

    private List<UsageEvent> store(Connection c, List<UsageEvent> batch) throws SQLException {
        long t = System.nanoTime();
        Set<String> inserted = insertEvents(c, batch);
        t = phase("insert", t);
        List<UsageEvent> stored = new ArrayList<>(inserted.size());
        for (UsageEvent e : batch) {
            if (inserted.contains(e.requestId())) {
                stored.add(e);
            }
        }
        if (!stored.isEmpty()) {
            upsertDaily(c, stored);
            t = phase("rollup", t);
            upsertDims(c, stored);
            t = phase("dim_rollup", t);
            upsertTags(c, stored);
            t = phase("tags", t);
            addKeySpend(c, stored);
            t = phase("key_spend", t);
        }
        settle(c, batch);
        phase("settle", t);
        return stored;
    }

    private Set<String> insertEvents(Connection c, List<UsageEvent> b) throws SQLException {
        int n = b.size();
        String[] r = new String[n], ct = new String[n], st = new String[n], ft = new String[n], et = new String[n];
        String[] kh = new String[n], ka = new String[n], u = new String[n], tm = new String[n], eu = new String[n];
        String[] tg = new String[n], mg = new String[n], m = new String[n], d = new String[n], p = new String[n];
        String[] ab = new String[n], cost = new String[n], cs = new String[n], gc = new String[n], s = new String[n];
        String[] err = new String[n];
        Integer[] pt = new Integer[n], cpt = new Integer[n], crt = new Integer[n], cct = new Integer[n];
        Integer[] rt = new Integer[n], lat = new Integer[n], ttft = new Integer[n], hs = new Integer[n];
        Boolean[] ch = new Boolean[n], str = new Boolean[n];
        for (int i = 0; i < n; i++) {
            UsageEvent e = b.get(i);
            r[i] = e.requestId();
            ct[i] = e.callType();
            st[i] = TS.format(e.startTime());
            ft[i] = e.firstTokenTime() == null ? null : TS.format(e.firstTokenTime());
            et[i] = TS.format(e.endTime());
            kh[i] = e.keyHash();
            ka[i] = e.keyAlias();
            u[i] = e.user();
            tm[i] = e.teamId();
            eu[i] = e.endUser();
            tg[i] = e.tags() == null ? null : pgArray(e.tags());
            mg[i] = e.modelGroup();
            m[i] = e.model();
            d[i] = e.deploymentId();
            p[i] = e.provider();
            ab[i] = e.apiBaseHost();
            pt[i] = e.promptTokens();
            cpt[i] = e.completionTokens();
            crt[i] = e.cachedReadTokens();
            cct[i] = e.cacheCreationTokens();
            rt[i] = e.reasoningTokens();
            cost[i] = e.costUsd().toPlainString();
            cs[i] = e.costSource();
            gc[i] = e.gatewayCostUsd() == null ? null : e.gatewayCostUsd().toPlainString();
            lat[i] = e.latencyMs();
            ttft[i] = e.ttftMs();
            s[i] = e.status();
            hs[i] = e.httpStatus();
            err[i] = e.errorType();
            ch[i] = e.cacheHit();
            str[i] = e.stream();
        }
        Set<String> inserted = new HashSet<>(n * 2);
        long t = System.nanoTime();
        try (PreparedStatement ps = c.prepareStatement(INSERT_EVENTS)) {
            int k = 1;
            for (String[] a : List.of(r, ct, st, ft, et, kh, ka, u, tm, eu, tg, mg, m, d, p, ab)) {
                ps.setString(k++, literal(a));
            }
            for (Integer[] a : List.of(pt, cpt, crt, cct, rt)) {
                ps.setString(k++, literal(a));
            }
            ps.setString(k++, literal(cost));
            ps.setString(k++, literal(cs));
            ps.setString(k++, literal(gc));
            ps.setString(k++, literal(lat));
            ps.setString(k++, literal(ttft));
            ps.setString(k++, literal(s));
            ps.setString(k++, literal(hs));
            ps.setString(k++, literal(err));
            ps.setString(k++, literal(ch));
            ps.setString(k, literal(str));
            phase("insert_prepare", t);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    inserted.add(rs.getString(1));
                }
            }
        }
        return inserted;
    }

    /**
     * An array parameter as a PostgreSQL array literal, sent as one string and cast in SQL
     * ({@code ?::text[]}): much cheaper for the driver than its binary encoding of String[] element by
     * element. Strings are quoted and escaped, null is NULL, booleans t/f.
     */
    static String literal(Object[] values) {
        int capacity = 2;
        for (Object v : values) {
            capacity += v instanceof String str ? str.length() + 3 : 12;
        }
        StringBuilder sb = new StringBuilder(capacity).append('{');
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            Object v = values[i];
            if (v == null) {
                sb.append("NULL");
            } else if (v instanceof Boolean b) {
                sb.append(b ? 't' : 'f');
            } else if (v instanceof Number) {
                sb.append(v);
            } else {
                quote(sb, v.toString());
            }
        }
        return sb.append('}').toString();
    }

    private static void quote(StringBuilder sb, String v) {
        if (v.indexOf('"') < 0 && v.indexOf('\\') < 0) {
            sb.append('"').append(v).append('"');
            return;
        }
        sb.append('"');
        for (int j = 0; j < v.length(); j++) {
            char ch = v.charAt(j);
            if (ch == '"' || ch == '\\') {
                sb.append('\\');
            }
            sb.append(ch);
        }
        sb.append('"');
    }

    /** A PostgreSQL array literal of quoted, escaped strings: {"a","b \"c\""}. */
    static String pgArray(List<String> values) {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append('"');
            String v = values.get(i);
            for (int j = 0; j < v.length(); j++) {
                char ch = v.charAt(j);
                if (ch == '"' || ch == '\\') {
                    sb.append('\\');
                }
                sb.append(ch);
            }
            sb.append('"');
        }
        return sb.append('}').toString();
    }

    private record DayKey(
            LocalDate day, String keyHash, String modelGroup, String provider, String user, String team, String endUser)
            implements Comparable<DayKey> {
        private static final Comparator<DayKey> ORDER = Comparator.comparing(DayKey::day)
                .thenComparing(DayKey::keyHash)
                .thenComparing(DayKey::modelGroup)
                .thenComparing(DayKey::provider)
                .thenComparing(DayKey::user)
                .thenComparing(DayKey::team)
                .thenComparing(DayKey::endUser);

        @Override
        public int compareTo(DayKey o) {
            return ORDER.compare(this, o);
        }
    }

    private static final class Agg {
        String keyAlias;
        long requests, ok, ko, cacheHits, prompt, completion, cachedRead, cacheCreation, reasoning;
        BigDecimal spend = BigDecimal.ZERO;

        void add(UsageEvent e) {
            if (e.keyAlias() != null) {
                keyAlias = e.keyAlias();
            }
            requests++;
            if ("success".equals(e.status())) {
                ok++;
            } else {
                ko++;
            }
            if (e.cacheHit()) {
                cacheHits++;
            }
            prompt += e.promptTokens();
            completion += e.completionTokens();
            cachedRead += e.cachedReadTokens();
            cacheCreation += e.cacheCreationTokens();
            reasoning += e.reasoningTokens();
            spend = spend.add(e.costUsd());
        }
    }

    /** Entries in a fixed order: concurrent writers (several instances) then lock rollup rows in one order. */
    static <K, V> List<Map.Entry<K, V>> sorted(Map<K, V> m, Comparator<K> order) {
        List<Map.Entry<K, V>> entries = new ArrayList<>(m.entrySet());
        entries.sort(Map.Entry.comparingByKey(order));
        return entries;
    }

    static LocalDate day(UsageEvent e) {
        return e.startTime().atZoneSameInstant(ZoneOffset.UTC).toLocalDate();
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    private void upsertDaily(Connection c, List<UsageEvent> stored) throws SQLException {
        // sorted so that concurrent batches lock rollup rows in the same order (no deadlocks)
        Map<DayKey, Agg> aggs = new HashMap<>();
        for (UsageEvent e : stored) {
            DayKey k = new DayKey(
                    day(e),
                    nz(e.keyHash()),
                    e.modelGroup(),
                    e.provider(),
                    nz(e.user()),
                    nz(e.teamId()),
                    nz(e.endUser()));
            aggs.computeIfAbsent(k, x -> new Agg()).add(e);
        }
        int n = aggs.size();
        String[] dy = new String[n], kh = new String[n], mg = new String[n], p = new String[n], u = new String[n];
        String[] tm = new String[n], eu = new String[n], ka = new String[n], spend = new String[n];
        Long[][] nums = new Long[9][n];
        int i = 0;
        for (var en : sorted(aggs, DayKey.ORDER)) {
            DayKey k = en.getKey();
            Agg a = en.getValue();
            dy[i] = k.day().toString();
            kh[i] = k.keyHash();
            mg[i] = k.modelGroup();
            p[i] = k.provider();
            u[i] = k.user();
            tm[i] = k.team();
            eu[i] = k.endUser();
            ka[i] = a.keyAlias;
            long[] v = {
                a.requests, a.ok, a.ko, a.cacheHits, a.prompt, a.completion, a.cachedRead, a.cacheCreation, a.reasoning
            };
            for (int j = 0; j < 9; j++) {
                nums[j][i] = v[j];
            }
            spend[i] = a.spend.toPlainString();
            i++;
        }
        try (PreparedStatement ps = c.prepareStatement(UPSERT_DAILY)) {
            int k = 1;
            for (String[] a : List.of(dy, kh, mg, p, u, tm, eu, ka)) {
                ps.setString(k++, literal(a));
            }
            for (Long[] a : nums) {
                ps.setString(k++, literal(a));
            }
            ps.setString(k, literal(spend));
            ps.executeUpdate();
        }
    }

    private record DimKey(String dim, LocalDate day, String value) {}

    private static final Comparator<DimKey> DIM_ORDER =
            Comparator.comparing(DimKey::dim).thenComparing(DimKey::day).thenComparing(DimKey::value);

    private void upsertDims(Connection c, List<UsageEvent> stored) throws SQLException {
        Map<DimKey, Agg> aggs = new HashMap<>();
        for (UsageEvent e : stored) {
            LocalDate d = day(e);
            aggs.computeIfAbsent(new DimKey("total", d, ""), x -> new Agg()).add(e);
            aggs.computeIfAbsent(new DimKey("model", d, e.modelGroup()), x -> new Agg())
                    .add(e);
            aggs.computeIfAbsent(new DimKey("key", d, nz(e.keyHash())), x -> new Agg())
                    .add(e);
            aggs.computeIfAbsent(new DimKey("team", d, nz(e.teamId())), x -> new Agg())
                    .add(e);
            aggs.computeIfAbsent(new DimKey("user", d, nz(e.user())), x -> new Agg())
                    .add(e);
            aggs.computeIfAbsent(new DimKey("end_user", d, nz(e.endUser())), x -> new Agg())
                    .add(e);
            aggs.computeIfAbsent(new DimKey("provider", d, e.provider()), x -> new Agg())
                    .add(e);
        }
        int n = aggs.size();
        String[] dm = new String[n], dy = new String[n], v = new String[n], ka = new String[n], spend = new String[n];
        Long[] req = new Long[n], pt = new Long[n], cpt = new Long[n];
        int i = 0;
        for (var en : sorted(aggs, DIM_ORDER)) {
            DimKey k = en.getKey();
            Agg a = en.getValue();
            dm[i] = k.dim();
            dy[i] = k.day().toString();
            v[i] = k.value();
            ka[i] = k.dim().equals("key") ? a.keyAlias : null;
            req[i] = a.requests;
            pt[i] = a.prompt;
            cpt[i] = a.completion;
            spend[i] = a.spend.toPlainString();
            i++;
        }
        try (PreparedStatement ps = c.prepareStatement(UPSERT_DIMS)) {
            ps.setString(1, literal(dm));
            ps.setString(2, literal(dy));
            ps.setString(3, literal(v));
            ps.setString(4, literal(ka));
            ps.setString(5, literal(req));
            ps.setString(6, literal(pt));
            ps.setString(7, literal(cpt));
            ps.setString(8, literal(spend));
            ps.executeUpdate();
        }
    }

    private void upsertTags(Connection c, List<UsageEvent> stored) throws SQLException {
        record TagKey(LocalDate day, String tag) {}
        Map<TagKey, Agg> aggs = new HashMap<>();
        for (UsageEvent e : stored) {
            if (e.tags() == null) {
                continue;
            }
            LocalDate d = day(e);
            for (String t : e.tags()) {
                aggs.computeIfAbsent(new TagKey(d, t), x -> new Agg()).add(e);
            }
        }
        if (aggs.isEmpty()) {
            return;
        }
        int n = aggs.size();
        String[] dy = new String[n], tg = new String[n], spend = new String[n];
        Long[] req = new Long[n], pt = new Long[n], cpt = new Long[n];
        int i = 0;
        for (var en : sorted(aggs, Comparator.comparing(TagKey::day).thenComparing(TagKey::tag))) {
            dy[i] = en.getKey().day().toString();
            tg[i] = en.getKey().tag();
            req[i] = en.getValue().requests;
            pt[i] = en.getValue().prompt;
            cpt[i] = en.getValue().completion;
            spend[i] = en.getValue().spend.toPlainString();
            i++;
        }
        try (PreparedStatement ps = c.prepareStatement(UPSERT_TAGS)) {
            ps.setString(1, literal(dy));
            ps.setString(2, literal(tg));
            ps.setString(3, literal(req));
            ps.setString(4, literal(pt));
            ps.setString(5, literal(cpt));
            ps.setString(6, literal(spend));
            ps.executeUpdate();
        }
    }

    private void addKeySpend(Connection c, List<UsageEvent> stored) throws SQLException {
        TreeMap<String, BigDecimal> perKey = new TreeMap<>();
        for (UsageEvent e : stored) {
            if (e.keyHash() != null) {
                perKey.merge(e.keyHash(), e.costUsd(), BigDecimal::add);
            }
        }
        if (perKey.isEmpty()) {
            return;
        }
        String[] h = perKey.keySet().toArray(String[]::new);
        String[] amt = perKey.values().stream().map(BigDecimal::toPlainString).toArray(String[]::new);
        try (PreparedStatement ps = c.prepareStatement(ADD_KEY_SPEND)) {
            ps.setString(1, literal(h));
            ps.setString(2, literal(amt));
            ps.executeUpdate();
        }
    }

    private void settle(Connection c, List<UsageEvent> batch) throws SQLException {
        String[] ids = batch.stream()
                .filter(e -> e.keyHash() != null)
                .map(UsageEvent::requestId)
                .toArray(String[]::new);
        if (ids.length == 0) {
            return;
        }
        Arrays.sort(ids);
        try (PreparedStatement ps = c.prepareStatement(SETTLE_RESERVATIONS)) {
            ps.setString(1, literal(ids));
            ps.executeUpdate();
        }
    }
}
