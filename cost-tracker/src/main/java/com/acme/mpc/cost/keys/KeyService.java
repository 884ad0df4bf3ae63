package com.acme.mpc.cost.keys;

import com.acme.mpc.cost.CostTrackerConfig;
import com.acme.mpc.cost.admin.LiteLlmResponseFields;
import com.acme.mpc.cost.api.ApiException;
import com.acme.mpc.cost.api.Money;
import com.acme.mpc.cost.db.Db;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Virtual keys: random, shown once, stored as SHA-256 only; budgets and reservations. */
@ApplicationScoped
public class KeyService {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String COLUMNS = "key_hash, key_name, key_alias, user_id, team_id, models, max_budget, spend, "
            + "budget_duration, budget_reset_at, expires, rpm_limit, tpm_limit, max_parallel_requests, "
            + "metadata::text AS metadata, blocked, created_at, updated_at, attrs::text AS attrs";
    private static final String RESET_DUE = "UPDATE virtual_keys SET spend = 0, "
            + "budget_reset_at = now() + budget_duration_s * interval '1 second', updated_at = now() "
            + "WHERE key_hash = ? AND budget_reset_at <= now()";

    private final AgroalDataSource ds;
    private final ObjectMapper mapper;
    private final Duration reservationTtl;

    public KeyService(AgroalDataSource ds, ObjectMapper mapper, CostTrackerConfig config) {
        this.ds = ds;
        this.mapper = mapper;
        this.reservationTtl = config.reservations().ttl();
    }

    public static String newKey() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return "sk-" + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    static String keyName(String key) {
        return "sk-..." + key.substring(Math.max(0, key.length() - 4));
    }

    /** Settable fields of a key, parsed from a request body; absent fields are "not given". */
    static final class Fields {
        final Map<String, Object> values = new LinkedHashMap<>();

        boolean has(String f) {
            return values.containsKey(f);
        }
    }

    private static final List<String> SETTABLE = List.of(
            "key_alias",
            "user_id",
            "team_id",
            "models",
            "max_budget",
            "budget_duration",
            "duration",
            "expires",
            "rpm_limit",
            "tpm_limit",
            "max_parallel_requests",
            "metadata",
            "blocked",
            "spend");

    /** Request fields that are not key settings: the key itself, and ids the answer computes. */
    private static final java.util.Set<String> NOT_STORED =
            java.util.Set.of("key", "token", "key_hash", "key_name", "new_key", "created_at", "updated_at");

    Fields parse(JsonNode body) {
        Fields f = new Fields();
        for (String name : SETTABLE) {
            if (!body.has(name)) {
                continue;
            }
            JsonNode v = body.get(name);
            Object parsed = switch (name) {
                case "key_alias", "user_id", "team_id" -> optText(name, v);
                case "models" -> models(v);
                case "max_budget" -> optMoney(name, v);
                case "spend" -> {
                    // LiteLLM's GenerateKeyRequest carries spend (0 by default), so a new key may start with one
                    BigDecimal d = optMoney(name, v);
                    if (d == null) {
                        throw ApiException.badRequest("spend must be a number >= 0", name);
                    }
                    yield d;
                }
                case "budget_duration", "duration" -> {
                    String s = optText(name, v);
                    if (s != null && Durations.parse(s) == null) {
                        throw ApiException.badRequest(name + " must look like 30s, 30m, 30h, 30d or 4w", name);
                    }
                    yield s;
                }
                case "expires" -> {
                    String s = optText(name, v);
                    try {
                        yield s == null ? null : OffsetDateTime.parse(s);
                    } catch (DateTimeParseException e) {
                        throw ApiException.badRequest("expires must be an RFC 3339 timestamp", name);
                    }
                }
                case "rpm_limit", "tpm_limit", "max_parallel_requests" -> optInt(name, v);
                case "metadata" -> {
                    if (v.isNull()) {
                        yield mapper.createObjectNode();
                    }
                    if (!v.isObject()) {
                        throw ApiException.badRequest("metadata must be a JSON object", name);
                    }
                    yield v;
                }
                case "blocked" -> {
                    if (!v.isBoolean()) {
                        throw ApiException.badRequest("blocked must be true or false", name);
                    }
                    yield v.booleanValue();
                }
                default -> throw new IllegalStateException(name);
            };
            f.values.put(name, parsed);
        }
        // every other GenerateKeyRequest field (aliases, tags, soft_budget, key_type, permissions, ...) is kept
        ObjectNode attrs = mapper.createObjectNode();
        for (var it = body.fields(); it.hasNext(); ) {
            var e = it.next();
            if (!SETTABLE.contains(e.getKey()) && !NOT_STORED.contains(e.getKey())) {
                com.acme.mpc.cost.admin.EntityStore.checkNoNul(e.getKey(), e.getValue());
                attrs.set(e.getKey(), e.getValue());
            }
        }
        if (attrs.toString().length() > 65_536) {
            throw ApiException.badRequest("the fields of one key may hold at most 65536 characters of JSON", null);
        }
        if (!attrs.isEmpty()) {
            f.values.put("attrs", attrs);
        }
        if (f.has("duration") && f.has("expires")) {
            throw ApiException.badRequest("give either duration or expires, not both", "duration");
        }
        return f;
    }

    private static String optText(String name, JsonNode v) {
        if (v.isNull()) {
            return null;
        }
        if (!v.isTextual() || v.textValue().length() > 512) {
            throw ApiException.badRequest(name + " must be a string of at most 512 characters", name);
        }
        return v.textValue().isEmpty() ? null : v.textValue();
    }

    private static BigDecimal optMoney(String name, JsonNode v) {
        if (v.isNull()) {
            return null;
        }
        BigDecimal d;
        try {
            d = v.isNumber() ? v.decimalValue() : v.isTextual() ? new BigDecimal(v.textValue()) : null;
        } catch (NumberFormatException e) {
            d = null;
        }
        if (d == null || d.signum() < 0 || d.compareTo(new BigDecimal("1000000000")) > 0) {
            throw ApiException.badRequest(name + " must be a number >= 0 (USD)", name);
        }
        return d;
    }

    private static Integer optInt(String name, JsonNode v) {
        if (v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < 0) {
            throw ApiException.badRequest(name + " must be an integer >= 0", name);
        }
        return v.intValue();
    }

    private static List<String> models(JsonNode v) {
        List<String> out = new ArrayList<>();
        if (v.isNull()) {
            return out;
        }
        if (!v.isArray()) {
            throw ApiException.badRequest("models must be an array of model names", "models");
        }
        for (JsonNode m : v) {
            if (!m.isTextual() || m.textValue().isEmpty()) {
                throw ApiException.badRequest("models must be an array of model names", "models");
            }
            out.add(m.textValue());
        }
        return out;
    }

    // ---- generate / update / delete / regenerate ----

    public Map<String, Object> generate(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ApiException.badRequest("Body must be a JSON object", null);
        }
        Fields f = parse(body);
        String key = newKey();
        if (body.hasNonNull("key")) {
            key = body.get("key").asText();
            if (!key.startsWith("sk-") || key.length() < 20) {
                throw ApiException.badRequest("a custom key must start with sk- and be at least 20 characters", "key");
            }
        }
        String hash = KeyHash.of(key);
        String k = key;
        Map<String, Object> info = Db.tx(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO virtual_keys (key_hash, key_name) VALUES (?, ?) ON CONFLICT DO NOTHING")) {
                ps.setString(1, hash);
                ps.setString(2, keyName(k));
                if (ps.executeUpdate() == 0) {
                    throw ApiException.badRequest("this key already exists", "key");
                }
            }
            apply(c, hash, f);
            return load(c, hash);
        });
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("key", key);
        out.putAll(info);
        return LiteLlmResponseFields.key(out);
    }

    public Map<String, Object> update(JsonNode body) {
        String hash = requiredKey(body);
        Fields f = parse(body);
        return Db.tx(ds, c -> {
            lockExisting(c, hash);
            apply(c, hash, f);
            return load(c, hash);
        });
    }

    public Map<String, Object> regenerate(String keyOrHash, JsonNode body) {
        String oldHash = KeyHash.normalize(keyOrHash);
        Fields f = body == null || !body.isObject() ? new Fields() : parse(body);
        String key = newKey();
        String newHash = KeyHash.of(key);
        Map<String, Object> info = Db.tx(ds, c -> {
            lockExisting(c, oldHash);
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE virtual_keys SET key_hash = ?, key_name = ?, updated_at = now() WHERE key_hash = ?")) {
                ps.setString(1, newHash);
                ps.setString(2, keyName(key));
                ps.setString(3, oldHash);
                ps.executeUpdate();
            }
            apply(c, newHash, f);
            return load(c, newHash);
        });
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("key", key);
        out.putAll(info);
        return LiteLlmResponseFields.key(out);
    }

    public List<String> delete(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ApiException.badRequest("Body must be a JSON object with keys or key_aliases", null);
        }
        List<String> keys = new ArrayList<>();
        body.path("keys").forEach(n -> keys.add(n.asText()));
        List<String> aliases = new ArrayList<>();
        body.path("key_aliases").forEach(n -> aliases.add(n.asText()));
        if (keys.isEmpty() && aliases.isEmpty()) {
            throw ApiException.badRequest("give keys (keys or their hashes) or key_aliases to delete", "keys");
        }
        String[] hashes = keys.stream().map(KeyHash::normalize).toArray(String[]::new);
        int deleted = Db.tx(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "DELETE FROM virtual_keys WHERE key_hash = ANY(?::text[]) OR key_alias = ANY(?::text[])")) {
                ps.setArray(1, c.createArrayOf("text", hashes));
                ps.setArray(2, c.createArrayOf("text", aliases.toArray(String[]::new)));
                return ps.executeUpdate();
            }
        });
        if (deleted == 0) {
            throw ApiException.notFound("none of the given keys exists");
        }
        List<String> out = new ArrayList<>(keys);
        out.addAll(aliases);
        return out;
    }

    private static String requiredKey(JsonNode body) {
        if (body == null
                || !body.isObject()
                || !body.hasNonNull("key")
                || !body.get("key").isTextual()) {
            throw ApiException.badRequest("key is required (the key or its hash)", "key");
        }
        return KeyHash.normalize(body.get("key").textValue());
    }

    private static void lockExisting(Connection c, String hash) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM virtual_keys WHERE key_hash = ? FOR UPDATE")) {
            ps.setString(1, hash);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw ApiException.notFound("key not found");
                }
            }
        }
    }

    private void apply(Connection c, String hash, Fields f) throws SQLException {
        StringBuilder sql = new StringBuilder("UPDATE virtual_keys SET updated_at = now()");
        List<Object[]> params = new ArrayList<>(); // {sqlType, value}
        for (var e : f.values.entrySet()) {
            Object v = e.getValue();
            switch (e.getKey()) {
                case "key_alias", "user_id", "team_id" -> {
                    sql.append(", ").append(e.getKey()).append(" = ?");
                    params.add(new Object[] {Types.VARCHAR, v});
                }
                case "models" -> {
                    sql.append(", models = ?");
                    params.add(new Object[] {Types.ARRAY, ((List<?>) v).toArray(String[]::new)});
                }
                case "max_budget", "spend" -> {
                    sql.append(", ").append(e.getKey()).append(" = ?");
                    params.add(new Object[] {Types.NUMERIC, v});
                }
                case "budget_duration" -> {
                    Duration d = Durations.parse((String) v);
                    sql.append(", budget_duration = ?, budget_duration_s = ?, budget_reset_at = ")
                            .append(d == null ? "NULL" : "now() + ? * interval '1 second'");
                    params.add(new Object[] {Types.VARCHAR, v});
                    params.add(new Object[] {Types.BIGINT, d == null ? null : d.toSeconds()});
                    if (d != null) {
                        params.add(new Object[] {Types.BIGINT, d.toSeconds()});
                    }
                }
                case "duration" -> {
                    Duration d = Durations.parse((String) v);
                    sql.append(", expires = ?");
                    params.add(new Object[] {
                        Types.TIMESTAMP_WITH_TIMEZONE,
                        d == null ? null : Timestamp.from(Instant.now().plus(d))
                    });
                }
                case "expires" -> {
                    sql.append(", expires = ?");
                    params.add(new Object[] {
                        Types.TIMESTAMP_WITH_TIMEZONE,
                        v == null ? null : Timestamp.from(((OffsetDateTime) v).toInstant())
                    });
                }
                case "rpm_limit", "tpm_limit", "max_parallel_requests" -> {
                    sql.append(", ").append(e.getKey()).append(" = ?");
                    params.add(new Object[] {Types.INTEGER, v});
                }
                case "metadata" -> {
                    sql.append(", metadata = ?::jsonb");
                    params.add(new Object[] {Types.VARCHAR, v.toString()});
                }
                case "blocked" -> {
                    sql.append(", blocked = ?");
                    params.add(new Object[] {Types.BOOLEAN, v});
                }
                case "attrs" -> {
                    sql.append(", attrs = attrs || ?::jsonb");
                    params.add(new Object[] {Types.VARCHAR, v.toString()});
                }
                default -> throw new IllegalStateException(e.getKey());
            }
        }
        sql.append(" WHERE key_hash = ?");
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            int i = 1;
            for (Object[] p : params) {
                int type = (Integer) p[0];
                if (p[1] == null) {
                    ps.setNull(i++, type == Types.ARRAY ? Types.ARRAY : type);
                } else if (type == Types.ARRAY) {
                    ps.setArray(i++, c.createArrayOf("text", (Object[]) p[1]));
                } else if (type == Types.TIMESTAMP_WITH_TIMEZONE) {
                    ps.setTimestamp(i++, (Timestamp) p[1]);
                } else {
                    ps.setObject(i++, p[1], type);
                }
            }
            ps.setString(i, hash);
            ps.executeUpdate();
        } catch (SQLException e) {
            if ("23505".equals(e.getSQLState())) {
                throw ApiException.badRequest("key_alias is already used by another key", "key_alias");
            }
            throw e;
        }
    }

    // ---- reads ----

    /** The key's record (LiteLLM /key/info "info" shape), after resetting a budget period that is over. */
    public Map<String, Object> info(String hash) {
        // one read in the common case; a write transaction only when the budget period is over
        Map<String, Object> m = Db.read(ds, c -> load(c, hash));
        if (m != null
                && m.get("budget_reset_at") instanceof String reset
                && !Instant.parse(reset).isAfter(Instant.now())) {
            m = Db.tx(ds, c -> {
                resetIfDue(c, hash);
                return load(c, hash);
            });
        }
        if (m == null) {
            throw ApiException.notFound("key not found");
        }
        return m;
    }

    private static void resetIfDue(Connection c, String hash) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(RESET_DUE)) {
            ps.setString(1, hash);
            ps.executeUpdate();
        }
    }

    private Map<String, Object> load(Connection c, String hash) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
                + ", (SELECT coalesce(sum(amount_usd), 0) FROM key_reservations r WHERE r.key_hash = k.key_hash"
                + " AND r.expires_at > now()) AS reserved FROM virtual_keys k WHERE key_hash = ?")) {
            ps.setString(1, hash);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? row(rs, true) : null;
            }
        }
    }

    private Map<String, Object> row(ResultSet rs, boolean withReserved) throws SQLException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("token", rs.getString("key_hash"));
        try {
            // the other GenerateKeyRequest fields first: the typed ones below take precedence
            mapper.readTree(rs.getString("attrs")).fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue()));
        } catch (Exception e) {
            // attrs is always valid JSON (jsonb); nothing to add otherwise
        }
        m.put("key_hash", rs.getString("key_hash"));
        m.put("key_name", rs.getString("key_name"));
        m.put("key_alias", rs.getString("key_alias"));
        m.put("user_id", rs.getString("user_id"));
        m.put("team_id", rs.getString("team_id"));
        java.sql.Array models = rs.getArray("models");
        m.put("models", models == null ? List.of() : List.of((String[]) models.getArray()));
        m.put("spend", Money.out(rs.getBigDecimal("spend")));
        m.put("max_budget", Money.out(rs.getBigDecimal("max_budget")));
        m.put("budget_duration", rs.getString("budget_duration"));
        m.put("budget_reset_at", ts(rs, "budget_reset_at"));
        m.put("expires", ts(rs, "expires"));
        m.put("rpm_limit", (Integer) rs.getObject("rpm_limit"));
        m.put("tpm_limit", (Integer) rs.getObject("tpm_limit"));
        m.put("max_parallel_requests", (Integer) rs.getObject("max_parallel_requests"));
        try {
            m.put("metadata", mapper.readTree(rs.getString("metadata")));
        } catch (Exception e) {
            m.put("metadata", mapper.createObjectNode());
        }
        m.put("blocked", rs.getBoolean("blocked"));
        m.put("created_at", ts(rs, "created_at"));
        m.put("updated_at", ts(rs, "updated_at"));
        if (withReserved) {
            m.put("reserved", Money.out(rs.getBigDecimal("reserved")));
        }
        return m;
    }

    private static String ts(ResultSet rs, String col) throws SQLException {
        OffsetDateTime t = rs.getObject(col, OffsetDateTime.class);
        return t == null ? null : t.toInstant().toString();
    }

    public Map<String, Object> list(
            int page, int size, String userId, String teamId, String keyAlias, boolean fullObjects) {
        if (page < 1 || size < 1 || size > 1000) {
            throw ApiException.badRequest("page >= 1 and 1 <= size <= 1000", "size");
        }
        StringBuilder where = new StringBuilder(" WHERE true");
        List<String> args = new ArrayList<>();
        if (userId != null) {
            where.append(" AND user_id = ?");
            args.add(userId);
        }
        if (teamId != null) {
            where.append(" AND team_id = ?");
            args.add(teamId);
        }
        if (keyAlias != null) {
            where.append(" AND key_alias = ?");
            args.add(keyAlias);
        }
        return Db.read(ds, c -> {
            long total;
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM virtual_keys" + where)) {
                for (int i = 0; i < args.size(); i++) {
                    ps.setString(i + 1, args.get(i));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    total = rs.getLong(1);
                }
            }
            List<Object> keys = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM virtual_keys" + where
                    + " ORDER BY created_at DESC, key_hash LIMIT ? OFFSET ?")) {
                int i = 1;
                for (String a : args) {
                    ps.setString(i++, a);
                }
                ps.setInt(i++, size);
                ps.setLong(i, (long) (page - 1) * size);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        keys.add(fullObjects ? row(rs, false) : rs.getString("key_hash"));
                    }
                }
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("keys", keys);
            out.put("total_count", total);
            out.put("current_page", page);
            out.put("total_pages", (total + size - 1) / size);
            return out;
        });
    }

    /** Every key, highest spend first (LiteLLM's /spend/keys), at most {@code limit}. */
    public List<Map<String, Object>> bySpend(int limit) {
        return Db.read(ds, c -> {
            List<Map<String, Object>> keys = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
                    + " FROM virtual_keys ORDER BY spend DESC, created_at DESC, key_hash LIMIT ?")) {
                ps.setInt(1, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        keys.add(row(rs, false));
                    }
                }
            }
            return keys;
        });
    }

    // ---- budget reservations ----

    /**
     * A reservation's outcome; {@code open} and {@code openCalls} are the other calls' open reservations on the
     * level that decided ({@code level}: key, team, user or customer, named {@code levelId}); {@code blocked}: that
     * level is blocked (no amount fits).
     */
    public record Reservation(
            boolean reserved,
            BigDecimal remaining,
            BigDecimal spend,
            BigDecimal open,
            BigDecimal max,
            long openCalls,
            String level,
            String levelId,
            boolean blocked) {
        static Reservation granted(BigDecimal remaining, BigDecimal spend, BigDecimal open, BigDecimal max, long n) {
            return new Reservation(true, remaining, spend, open, max, n, "key", null, false);
        }
    }

    /** One level above the key: its table, id column and the reservation column that names it. */
    private record Level(String name, String table, String idColumn, String reservationColumn) {}

    private static final List<Level> LEVELS = List.of(
            new Level("team", "teams", "team_id", "team_id"),
            new Level("user", "internal_users", "user_id", "user_id"),
            new Level("customer", "customers", "user_id", "end_user"));

    /** Same as {@link #reserve(String, String, BigDecimal, String)} for a call without an end user. */
    public Reservation reserve(String hash, String requestId, BigDecimal amount) {
        return reserve(hash, requestId, amount, null);
    }

    /**
     * Reserves {@code amount} for a call at every level that has a budget: the key, its team, its user and the call's
     * end user (customer). The key row is locked (SELECT ... FOR UPDATE) and each other level takes a transaction-scoped
     * advisory lock on its id, always in that order, so concurrent reservations on a level are serialized; ingest never
     * takes those advisory locks, so it cannot deadlock with them. Granted only if, on every level, spend + open
     * reservations + amount <= its max budget (own max_budget, else its named budget's) and no level is blocked; the
     * first level that refuses decides. Re-reserving the same request_id replaces its amount; 0 releases it.
     */
    public Reservation reserve(String hash, String requestId, BigDecimal amount, String endUser) {
        return Db.tx(ds, c -> {
            resetIfDue(c, hash);
            BigDecimal max;
            BigDecimal spend;
            String[] ids = new String[3];
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT max_budget, spend, team_id, user_id FROM virtual_keys WHERE key_hash = ? FOR UPDATE")) {
                ps.setString(1, hash);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw ApiException.notFound("key not found");
                    }
                    max = rs.getBigDecimal(1);
                    spend = rs.getBigDecimal(2);
                    ids[0] = rs.getString(3);
                    ids[1] = rs.getString(4);
                }
            }
            ids[2] = endUser == null || endUser.isEmpty() ? null : endUser;
            BigDecimal open;
            long openCalls;
            try (PreparedStatement ps =
                    c.prepareStatement("SELECT coalesce(sum(amount_usd), 0), count(*) FROM key_reservations "
                            + "WHERE key_hash = ? AND expires_at > now() AND request_id <> ?")) {
                ps.setString(1, hash);
                ps.setString(2, requestId);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    open = rs.getBigDecimal(1);
                    openCalls = rs.getLong(2);
                }
            }
            if (amount.signum() == 0) {
                // a release (the call failed and costs nothing) is granted even when a level is already over budget,
                // or the dead reservation would hold budget until its TTL, past a budget reset
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM key_reservations WHERE request_id = ?")) {
                    ps.setString(1, requestId);
                    ps.executeUpdate();
                }
                return Reservation.granted(
                        max == null ? null : max.subtract(spend).subtract(open), spend, open, max, openCalls);
            }
            BigDecimal after = spend.add(open).add(amount);
            if (max != null && after.compareTo(max) > 0) {
                return new Reservation(
                        false, max.subtract(spend).subtract(open), spend, open, max, openCalls, "key", null, false);
            }
            for (int i = 0; i < LEVELS.size(); i++) {
                if (ids[i] != null) {
                    Reservation refused = checkLevel(c, LEVELS.get(i), ids[i], requestId, amount);
                    if (refused != null) {
                        return refused;
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO key_reservations (request_id, key_hash, amount_usd, expires_at, team_id, user_id, "
                            + "end_user) VALUES (?, ?, ?, now() + ? * interval '1 millisecond', ?, ?, ?) "
                            + "ON CONFLICT (request_id) DO UPDATE SET key_hash = EXCLUDED.key_hash, "
                            + "amount_usd = EXCLUDED.amount_usd, expires_at = EXCLUDED.expires_at, "
                            + "team_id = EXCLUDED.team_id, user_id = EXCLUDED.user_id, end_user = EXCLUDED.end_user")) {
                ps.setString(1, requestId);
                ps.setString(2, hash);
                ps.setBigDecimal(3, amount);
                ps.setLong(4, reservationTtl.toMillis());
                ps.setString(5, ids[0]);
                ps.setString(6, ids[1]);
                ps.setString(7, ids[2]);
                ps.executeUpdate();
            }
            return Reservation.granted(
                    max == null ? null : max.subtract(after), spend, open.add(amount), max, openCalls + 1);
        });
    }

    /**
     * The refusal of one level above the key, or null when the call fits there (or the entity does not exist, or
     * has no budget). Spend and open reservations are read in one statement, so an ingest that settles a call
     * between two reads cannot make it count neither as spend nor as reserved.
     */
    private static Reservation checkLevel(Connection c, Level l, String id, String requestId, BigDecimal amount)
            throws SQLException {
        try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))")) {
            lock.setString(1, l.name() + ":" + id);
            lock.execute();
        }
        String sql = "SELECT e.blocked, coalesce(e.max_budget, b.max_budget) AS max,"
                + " CASE WHEN e.budget_reset_at IS NOT NULL AND e.budget_reset_at <= now() THEN 0 ELSE e.spend END"
                + " AS spend,"
                + " r.open, r.n"
                + " FROM " + l.table() + " e LEFT JOIN budgets b ON b.budget_id = e.budget_id"
                + " CROSS JOIN LATERAL (SELECT coalesce(sum(amount_usd), 0) AS open, count(*) AS n"
                + " FROM key_reservations WHERE " + l.reservationColumn() + " = e." + l.idColumn()
                + " AND expires_at > now() AND request_id <> ?) r"
                + " WHERE e." + l.idColumn() + " = ?";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, requestId);
            ps.setString(2, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                BigDecimal max = rs.getBigDecimal("max");
                BigDecimal spend = rs.getBigDecimal("spend");
                BigDecimal open = rs.getBigDecimal("open");
                long n = rs.getLong("n");
                if (rs.getBoolean("blocked")) {
                    return new Reservation(false, null, spend, open, max, n, l.name(), id, true);
                }
                if (max != null && spend.add(open).add(amount).compareTo(max) > 0) {
                    return new Reservation(
                            false, max.subtract(spend).subtract(open), spend, open, max, n, l.name(), id, false);
                }
                return null;
            }
        }
    }

    /**
     * Whether a call of this key must be reserved although the key has no budget of its own: its team or its user
     * has a budget or is blocked, or some customer has one (a call's end user is known only per call).
     */
    /**
     * What the gateway enforces of a key's team at call time: its {@code models} (the key may call only models the
     * team may), {@code rpm_limit}, {@code tpm_limit} and {@code max_parallel_requests} (shared by the team's keys),
     * as stored with the team; null when the team does not exist.
     */
    public Map<String, Object> teamAdmission(String teamId) {
        if (teamId == null) {
            return null;
        }
        return Db.read(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT attrs::text FROM teams WHERE team_id = ?")) {
                ps.setString(1, teamId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return null;
                    }
                    JsonNode attrs;
                    try {
                        attrs = mapper.readTree(rs.getString(1));
                    } catch (java.io.IOException e) {
                        throw new SQLException("teams.attrs is not JSON", e);
                    }
                    Map<String, Object> out = new LinkedHashMap<>();
                    out.put("team_id", teamId);
                    for (String f : List.of("models", "rpm_limit", "tpm_limit", "max_parallel_requests")) {
                        JsonNode v = attrs.get(f);
                        out.put(f, v == null || v.isNull() ? null : v);
                    }
                    return out;
                }
            }
        });
    }

    public boolean othersBudgeted(String teamId, String userId) {
        return Db.read(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT"
                    + " EXISTS (SELECT 1 FROM teams WHERE team_id = ? AND (max_budget IS NOT NULL OR budget_id IS NOT"
                    + " NULL OR blocked))"
                    + " OR EXISTS (SELECT 1 FROM internal_users WHERE user_id = ? AND (max_budget IS NOT NULL OR"
                    + " budget_id IS NOT NULL OR blocked))"
                    + " OR EXISTS (SELECT 1 FROM customers WHERE max_budget IS NOT NULL OR budget_id IS NOT NULL OR"
                    + " blocked)")) {
                ps.setString(1, teamId);
                ps.setString(2, userId);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getBoolean(1);
                }
            }
        });
    }

    /** Starts a new budget period for every key whose period is over; drops expired reservations. */
    public int maintenance() {
        return Db.tx(ds, c -> {
            int n;
            try (PreparedStatement ps = c.prepareStatement("UPDATE virtual_keys SET spend = 0, budget_reset_at = now() "
                    + "+ budget_duration_s * interval '1 second', updated_at = now() WHERE budget_reset_at <= now()")) {
                n = ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM key_reservations WHERE expires_at <= now()")) {
                ps.executeUpdate();
            }
            return n;
        });
    }

    ObjectNode emptyObject() {
        return mapper.createObjectNode();
    }
}
