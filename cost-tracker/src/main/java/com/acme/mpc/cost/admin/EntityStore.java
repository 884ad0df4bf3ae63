package com.acme.mpc.cost.admin;

import com.acme.mpc.cost.api.ApiException;
import com.acme.mpc.cost.api.Money;
import com.acme.mpc.cost.db.Db;
import com.acme.mpc.cost.keys.Durations;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Create, read, update, delete, list and block of teams, internal users, customers and budgets, with LiteLLM's
 * field names. Typed columns hold what budgets need ({@code max_budget}, {@code soft_budget}, {@code spend},
 * {@code budget_duration}, {@code budget_id}, {@code blocked}, the alias); every other field of the request is stored
 * as given in {@code attrs} and returned with the entity, so nothing a client sets is dropped.
 */
@ApplicationScoped
public class EntityStore {
    /** Largest {@code attrs} document (JSON characters) kept for one entity. */
    static final int MAX_ATTRS_CHARS = 65_536;

    private static final Set<String> TYPED =
            Set.of("max_budget", "soft_budget", "spend", "budget_duration", "budget_id", "blocked");

    private final AgroalDataSource ds;
    private final ObjectMapper mapper;

    public EntityStore(AgroalDataSource ds, ObjectMapper mapper) {
        this.ds = ds;
        this.mapper = mapper;
    }

    // ---- parsing ----

    private record Parsed(Map<String, Object> typed, ObjectNode attrs) {}

    private Parsed parse(EntityKind kind, JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ApiException.badRequest("Body must be a JSON object", null);
        }
        Map<String, Object> typed = new LinkedHashMap<>();
        ObjectNode attrs = mapper.createObjectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            JsonNode v = e.getValue();
            checkNoNul(name, v);
            if (name.equals(kind.idField)) {
                continue;
            }
            if (name.equals(kind.aliasField)) {
                typed.put(name, text(name, v));
            } else if (TYPED.contains(name)
                    && (kind.budgeted()
                            || !Set.of("spend", "budget_id", "blocked").contains(name))) {
                typed.put(
                        name,
                        switch (name) {
                            case "max_budget", "soft_budget" -> money(name, v);
                            case "spend" -> {
                                // LiteLLM's create requests carry spend too (NewUserRequest: 0 by default)
                                BigDecimal d = money(name, v);
                                if (d == null) {
                                    throw ApiException.badRequest("spend must be a number >= 0", name);
                                }
                                yield d;
                            }
                            case "budget_duration" -> {
                                String s = text(name, v);
                                if (s != null && Durations.parse(s) == null) {
                                    throw ApiException.badRequest(
                                            name + " must look like 30s, 30m, 30h, 30d or 4w", name);
                                }
                                yield s;
                            }
                            case "budget_id" -> text(name, v);
                            case "blocked" -> {
                                if (!v.isBoolean()) {
                                    throw ApiException.badRequest("blocked must be true or false", name);
                                }
                                yield v.booleanValue();
                            }
                            default -> throw new IllegalStateException(name);
                        });
            } else {
                attrs.set(name, v);
            }
        }
        if (attrs.toString().length() > MAX_ATTRS_CHARS) {
            throw ApiException.badRequest(
                    "the fields of one " + kind.noun + " may hold at most " + MAX_ATTRS_CHARS + " characters of JSON",
                    null);
        }
        return new Parsed(typed, attrs);
    }

    /** PostgreSQL cannot store NUL in text or jsonb: refused up front, naming the field, instead of a 500. */
    public static void checkNoNul(String field, JsonNode v) {
        if (v.isTextual() && v.textValue().indexOf('\0') >= 0) {
            throw ApiException.badRequest(field + " must not contain NUL characters", field);
        }
        if (v.isContainerNode()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().indexOf('\0') >= 0) {
                    throw ApiException.badRequest(field + " must not contain NUL characters", field);
                }
                checkNoNul(field, e.getValue());
            }
            if (v.isArray()) {
                for (JsonNode item : v) {
                    checkNoNul(field, item);
                }
            }
        }
    }

    private static String text(String name, JsonNode v) {
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual() || v.textValue().length() > 512) {
            throw ApiException.badRequest(name + " must be a string of at most 512 characters", name);
        }
        return v.textValue().isEmpty() ? null : v.textValue();
    }

    static BigDecimal money(String name, JsonNode v) {
        if (v == null || v.isNull()) {
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

    /** The entity's id from {@code body.<idField>}; required unless the kind generates one. */
    String id(EntityKind kind, JsonNode body, boolean required) {
        JsonNode v = body == null ? null : body.get(kind.idField);
        if (v == null || v.isNull() || (v.isTextual() && v.textValue().isEmpty())) {
            if (required || !kind.generatesId()) {
                throw ApiException.badRequest(kind.idField + " is required", kind.idField);
            }
            return UUID.randomUUID().toString();
        }
        checkNoNul(kind.idField, v);
        if (!v.isTextual() || v.textValue().length() > 256) {
            throw ApiException.badRequest(kind.idField + " must be a string of at most 256 characters", kind.idField);
        }
        return v.textValue();
    }

    // ---- writes ----

    public Map<String, Object> create(EntityKind kind, JsonNode body) {
        String id = id(kind, body, false);
        Parsed p = parse(kind, body);
        return Db.tx(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO " + kind.table + " (" + kind.idField + ") VALUES (?) ON CONFLICT DO NOTHING")) {
                ps.setString(1, id);
                if (ps.executeUpdate() == 0) {
                    throw ApiException.badRequest(kind.noun + " " + id + " already exists", kind.idField);
                }
            }
            apply(c, kind, id, p);
            return load(c, kind, id);
        });
    }

    public Map<String, Object> update(EntityKind kind, JsonNode body) {
        String id = id(kind, body, true);
        Parsed p = parse(kind, body);
        return Db.tx(ds, c -> {
            lock(c, kind, id);
            apply(c, kind, id, p);
            return load(c, kind, id);
        });
    }

    /** Sets {@code blocked} on each id; 404 when none exists. Returns the entities. */
    public List<Map<String, Object>> block(EntityKind kind, List<String> ids, boolean blocked) {
        if (ids.isEmpty()) {
            throw ApiException.badRequest(kind.idField + " is required", kind.idField);
        }
        return Db.tx(ds, c -> {
            List<Map<String, Object>> out = new ArrayList<>();
            for (String id : ids) {
                try (PreparedStatement ps = c.prepareStatement("UPDATE " + kind.table
                        + " SET blocked = ?, updated_at = now() WHERE " + kind.idField + " = ?")) {
                    ps.setBoolean(1, blocked);
                    ps.setString(2, id);
                    if (ps.executeUpdate() > 0) {
                        out.add(load(c, kind, id));
                    }
                }
            }
            if (out.isEmpty()) {
                throw ApiException.notFound(kind.noun + " not found: " + String.join(", ", ids));
            }
            return out;
        });
    }

    /** Replaces the whole {@code attrs} field {@code field} (e.g. a team's members) under the row lock. */
    public Map<String, Object> withAttr(
            EntityKind kind, String id, java.util.function.UnaryOperator<JsonNode> change, String field) {
        return Db.tx(ds, c -> {
            lock(c, kind, id);
            JsonNode current;
            try (PreparedStatement ps =
                    c.prepareStatement("SELECT attrs::text FROM " + kind.table + " WHERE " + kind.idField + " = ?")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    current = readJson(rs.getString(1)).get(field);
                }
            }
            JsonNode next = change.apply(current);
            ObjectNode patch = mapper.createObjectNode();
            patch.set(field, next);
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + kind.table
                    + " SET attrs = attrs || ?::jsonb, updated_at = now() WHERE " + kind.idField + " = ?")) {
                ps.setString(1, patch.toString());
                ps.setString(2, id);
                ps.executeUpdate();
            }
            return load(c, kind, id);
        });
    }

    public List<String> delete(EntityKind kind, List<String> ids) {
        if (ids.isEmpty()) {
            throw ApiException.badRequest("give the ids to delete", kind.idField);
        }
        int n = Db.tx(ds, c -> {
            try (PreparedStatement ps =
                    c.prepareStatement("DELETE FROM " + kind.table + " WHERE " + kind.idField + " = ANY(?::text[])")) {
                ps.setArray(1, c.createArrayOf("text", ids.toArray(String[]::new)));
                return ps.executeUpdate();
            }
        });
        if (n == 0) {
            throw ApiException.notFound("none of the given " + kind.noun + "s exists");
        }
        return ids;
    }

    private static void lock(Connection c, EntityKind kind, String id) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("SELECT 1 FROM " + kind.table + " WHERE " + kind.idField + " = ? FOR UPDATE")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw ApiException.notFound(kind.noun + " not found: " + id);
                }
            }
        }
    }

    private void apply(Connection c, EntityKind kind, String id, Parsed p) throws SQLException {
        StringBuilder sql =
                new StringBuilder("UPDATE " + kind.table + " SET updated_at = now(), attrs = attrs || ?::jsonb");
        List<Object[]> params = new ArrayList<>();
        params.add(new Object[] {Types.VARCHAR, p.attrs.toString()});
        for (var e : p.typed.entrySet()) {
            Object v = e.getValue();
            switch (e.getKey()) {
                case "max_budget", "soft_budget", "spend" -> {
                    sql.append(", ").append(e.getKey()).append(" = ?");
                    params.add(new Object[] {Types.NUMERIC, v});
                }
                case "blocked" -> {
                    sql.append(", blocked = ?");
                    params.add(new Object[] {Types.BOOLEAN, v});
                }
                case "budget_duration" -> {
                    Duration d = v == null ? null : Durations.parse((String) v);
                    sql.append(", budget_duration = ?, budget_duration_s = ?, budget_reset_at = ")
                            .append(d == null ? "NULL" : "now() + ? * interval '1 second'");
                    params.add(new Object[] {Types.VARCHAR, v});
                    params.add(new Object[] {Types.BIGINT, d == null ? null : d.toSeconds()});
                    if (d != null) {
                        params.add(new Object[] {Types.BIGINT, d.toSeconds()});
                    }
                }
                default -> {
                    // alias column or budget_id
                    sql.append(", ").append(e.getKey()).append(" = ?");
                    params.add(new Object[] {Types.VARCHAR, v});
                }
            }
        }
        sql.append(" WHERE ").append(kind.idField).append(" = ?");
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            int i = 1;
            for (Object[] param : params) {
                if (param[1] == null) {
                    ps.setNull(i++, (Integer) param[0]);
                } else {
                    ps.setObject(i++, param[1], (Integer) param[0]);
                }
            }
            ps.setString(i, id);
            ps.executeUpdate();
        } catch (SQLException e) {
            if ("23503".equals(e.getSQLState())) {
                throw ApiException.badRequest("budget_id does not name an existing budget", "budget_id");
            }
            throw e;
        }
    }

    // ---- reads ----

    /** The entity, or 404. A budget period that is over starts again at 0 first. */
    public Map<String, Object> info(EntityKind kind, String id) {
        if (id == null || id.isEmpty()) {
            throw ApiException.badRequest(kind.idField + " is required", kind.idField);
        }
        Map<String, Object> m = Db.tx(ds, c -> {
            resetIfDue(c, kind, id);
            return load(c, kind, id);
        });
        if (m == null) {
            throw ApiException.notFound(kind.noun + " not found: " + id);
        }
        return m;
    }

    private static void resetIfDue(Connection c, EntityKind kind, String id) throws SQLException {
        if (!kind.budgeted()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + kind.table + " SET spend = 0, budget_reset_at = "
                + "now() + budget_duration_s * interval '1 second' WHERE " + kind.idField
                + " = ? AND budget_reset_at <= now()")) {
            ps.setString(1, id);
            ps.executeUpdate();
        }
    }

    /** Starts a new budget period for every team, user and customer whose period is over. */
    public int resetDue() {
        return Db.tx(ds, c -> {
            int n = 0;
            for (EntityKind kind : EntityKind.values()) {
                if (!kind.budgeted()) {
                    continue;
                }
                try (PreparedStatement ps = c.prepareStatement("UPDATE " + kind.table + " SET spend = 0, "
                        + "budget_reset_at = now() + budget_duration_s * interval '1 second', updated_at = now() "
                        + "WHERE budget_reset_at <= now()")) {
                    n += ps.executeUpdate();
                }
            }
            return n;
        });
    }

    Map<String, Object> load(Connection c, EntityKind kind, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT *, attrs::text AS attrs_text FROM " + kind.table + " WHERE " + kind.idField + " = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? row(kind, rs) : null;
            }
        }
    }

    public Map<String, Object> list(EntityKind kind, int page, int size, String filterField, String filterValue) {
        if (page < 1 || size < 1 || size > 1000) {
            throw ApiException.badRequest("page >= 1 and 1 <= size <= 1000", "page_size");
        }
        String where = filterValue == null ? "" : " WHERE " + filterField + " = ?";
        return Db.read(ds, c -> {
            long total;
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + kind.table + where)) {
                if (filterValue != null) {
                    ps.setString(1, filterValue);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    total = rs.getLong(1);
                }
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT *, attrs::text AS attrs_text FROM " + kind.table
                    + where + " ORDER BY created_at DESC, " + kind.idField + " LIMIT ? OFFSET ?")) {
                int i = 1;
                if (filterValue != null) {
                    ps.setString(i++, filterValue);
                }
                ps.setInt(i++, size);
                ps.setLong(i, (long) (page - 1) * size);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.add(row(kind, rs));
                    }
                }
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("data", rows);
            out.put("total", total);
            out.put("page", page);
            out.put("page_size", size);
            out.put("total_pages", (total + size - 1) / size);
            return out;
        });
    }

    /** Every entity of a kind, highest spend first (LiteLLM's /spend/users), at most {@code limit}. */
    public List<Map<String, Object>> bySpend(EntityKind kind, int limit) {
        return Db.read(ds, c -> {
            List<Map<String, Object>> rows = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT *, attrs::text AS attrs_text FROM " + kind.table
                    + " ORDER BY spend DESC, created_at DESC, " + kind.idField + " LIMIT ?")) {
                ps.setInt(1, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.add(row(kind, rs));
                    }
                }
            }
            return rows;
        });
    }

    private Map<String, Object> row(EntityKind kind, ResultSet rs) throws SQLException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(kind.idField, rs.getString(kind.idField));
        if (kind.aliasField != null) {
            m.put(kind.aliasField, rs.getString(kind.aliasField));
        }
        JsonNode attrs = readJson(rs.getString("attrs_text"));
        for (Iterator<Map.Entry<String, JsonNode>> it = attrs.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            m.put(e.getKey(), e.getValue());
        }
        m.put("max_budget", Money.out(rs.getBigDecimal("max_budget")));
        m.put("soft_budget", Money.out(rs.getBigDecimal("soft_budget")));
        m.put("budget_duration", rs.getString("budget_duration"));
        m.put("budget_reset_at", ts(rs, "budget_reset_at"));
        if (kind.budgeted()) {
            m.put("spend", Money.out(rs.getBigDecimal("spend")));
            m.put("budget_id", rs.getString("budget_id"));
            m.put("blocked", rs.getBoolean("blocked"));
        }
        m.put("created_at", ts(rs, "created_at"));
        m.put("updated_at", ts(rs, "updated_at"));
        LiteLlmResponseFields.entity(kind, m);
        return m;
    }

    private JsonNode readJson(String s) {
        try {
            return s == null ? mapper.createObjectNode() : mapper.readTree(s);
        } catch (Exception e) {
            return mapper.createObjectNode();
        }
    }

    private static String ts(ResultSet rs, String col) throws SQLException {
        OffsetDateTime t = rs.getObject(col, OffsetDateTime.class);
        return t == null ? null : t.toInstant().toString();
    }
}
