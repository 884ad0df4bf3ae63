package com.acme.mpc.cost.reports;

import com.acme.mpc.cost.api.ApiException;
import com.acme.mpc.cost.api.Money;
import com.acme.mpc.cost.db.Db;
import com.acme.mpc.cost.keys.KeyHash;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.sql.Array;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reports. Aggregates read the daily rollups only; /spend/logs pages raw events by index. */
@ApplicationScoped
public class ReportService {
    public record Range(LocalDate from, LocalDate to) {}

    /** A report dimension: its name in daily_dim_spend ("tag": daily_tag_spend) and its JSON field. */
    public record Dimension(String dim, String field) {}

    private static final Map<String, Dimension> DIMENSIONS = Map.ofEntries(
            Map.entry("day", new Dimension("total", null)),
            Map.entry("model", new Dimension("model", "model")),
            Map.entry("key", new Dimension("key", "api_key")),
            Map.entry("api_key", new Dimension("key", "api_key")),
            Map.entry("team", new Dimension("team", "team_id")),
            Map.entry("user", new Dimension("user", "user")),
            Map.entry("customer", new Dimension("end_user", "end_user")),
            Map.entry("end_user", new Dimension("end_user", "end_user")),
            Map.entry("provider", new Dimension("provider", "provider")),
            Map.entry("tag", new Dimension("tag", "tag")));

    private final AgroalDataSource ds;

    public ReportService(AgroalDataSource ds) {
        this.ds = ds;
    }

    public static Range range(String start, String end, int defaultDays) {
        LocalDate to = end == null || end.isBlank() ? LocalDate.now(ZoneOffset.UTC) : date(end, "end_date");
        LocalDate from = start == null || start.isBlank() ? to.minusDays(defaultDays - 1L) : date(start, "start_date");
        if (from.isAfter(to)) {
            throw ApiException.badRequest("start_date must be <= end_date", "start_date");
        }
        return new Range(from, to);
    }

    static LocalDate date(String s, String param) {
        try {
            return s.length() > 10
                    ? OffsetDateTime.parse(s).atZoneSameInstant(ZoneOffset.UTC).toLocalDate()
                    : LocalDate.parse(s);
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest(param + " must be a date YYYY-MM-DD", param);
        }
    }

    private static Object group(String value) {
        return value == null || value.isEmpty() ? null : value;
    }

    // ---- /global/spend ----

    public BigDecimal totalSpend(Range r) {
        return Db.read(ds, c -> {
            String sql = "SELECT coalesce(sum(spend), 0) FROM daily_dim_spend WHERE dim = 'total'"
                    + (r == null ? "" : " AND day BETWEEN ? AND ?");
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                if (r != null) {
                    ps.setDate(1, Date.valueOf(r.from()));
                    ps.setDate(2, Date.valueOf(r.to()));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return Money.out(rs.getBigDecimal(1));
                }
            }
        });
    }

    /** Top groups by spend over the range (/global/spend/models, /global/spend/keys). */
    public List<Map<String, Object>> top(String dimension, Range r, int limit) {
        Dimension d = DIMENSIONS.get(dimension);
        boolean key = d.dim().equals("key");
        String sql = "SELECT value AS g" + (key ? ", max(key_alias) AS alias" : "")
                + ", sum(spend) AS s FROM daily_dim_spend WHERE dim = ? AND day BETWEEN ? AND ?"
                + " GROUP BY 1 ORDER BY s DESC, 1 LIMIT ?";
        return Db.read(ds, c -> {
            List<Map<String, Object>> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, d.dim());
                ps.setDate(2, Date.valueOf(r.from()));
                ps.setDate(3, Date.valueOf(r.to()));
                ps.setInt(4, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Map<String, Object> m = new LinkedHashMap<>();
                        m.put(d.field(), group(rs.getString("g")));
                        if (key) {
                            m.put("key_alias", rs.getString("alias"));
                        }
                        m.put("total_spend", Money.out(rs.getBigDecimal("s")));
                        out.add(m);
                    }
                }
            }
            return out;
        });
    }

    // ---- /global/spend/report ----

    public List<Map<String, Object>> report(String groupBy, Range r, boolean perDay) {
        Dimension d = DIMENSIONS.get(groupBy == null ? "day" : groupBy);
        if (d == null) {
            throw ApiException.badRequest(
                    "group_by must be one of day, model, key, team, user, customer, end_user, provider, tag",
                    "group_by");
        }
        boolean hasGroup = d.field() != null;
        boolean byDay = perDay || !hasGroup;
        boolean tags = d.dim().equals("tag");
        boolean key = d.dim().equals("key");
        String valueCol = tags ? "tag" : "value";
        List<String> groupCols = new ArrayList<>();
        if (byDay) {
            groupCols.add("day");
        }
        if (hasGroup) {
            groupCols.add(valueCol);
        }
        StringBuilder sql = new StringBuilder("SELECT ");
        sql.append(groupCols.isEmpty() ? "" : String.join(", ", groupCols) + ", ");
        // (dim, day, value) and (day, tag) are unique: rows per day need no aggregation
        boolean aggregate = !byDay;
        if (aggregate) {
            sql.append("sum(requests) AS requests, sum(prompt_tokens) AS pt, sum(completion_tokens) AS ct, "
                    + "sum(spend) AS s");
            if (key) {
                sql.append(", max(key_alias) AS alias");
            }
        } else {
            sql.append("requests, prompt_tokens AS pt, completion_tokens AS ct, spend AS s");
            if (key) {
                sql.append(", key_alias AS alias");
            }
        }
        if (tags) {
            sql.append(" FROM daily_tag_spend WHERE day BETWEEN ? AND ?");
        } else {
            sql.append(" FROM daily_dim_spend WHERE dim = ? AND day BETWEEN ? AND ?");
        }
        if (aggregate && !groupCols.isEmpty()) {
            sql.append(" GROUP BY ").append(String.join(", ", groupCols));
        }
        sql.append(" ORDER BY ").append(byDay ? "day, " : "").append("s DESC");
        if (hasGroup) {
            sql.append(", ").append(valueCol);
        }
        return Db.read(ds, c -> {
            List<Map<String, Object>> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                int i = 1;
                if (!tags) {
                    ps.setString(i++, d.dim());
                }
                ps.setDate(i++, Date.valueOf(r.from()));
                ps.setDate(i, Date.valueOf(r.to()));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Map<String, Object> m = new LinkedHashMap<>();
                        if (byDay) {
                            m.put(
                                    "group_by_day",
                                    rs.getDate("day").toLocalDate().toString());
                        }
                        if (hasGroup) {
                            m.put(d.field(), group(rs.getString(valueCol)));
                        }
                        if (key) {
                            m.put("key_alias", rs.getString("alias"));
                        }
                        long pt = rs.getLong("pt");
                        long ct = rs.getLong("ct");
                        m.put("requests", rs.getLong("requests"));
                        m.put("prompt_tokens", pt);
                        m.put("completion_tokens", ct);
                        m.put("total_tokens", pt + ct);
                        m.put("total_spend", Money.out(rs.getBigDecimal("s")));
                        out.add(m);
                    }
                }
            }
            return out;
        });
    }

    // ---- /spend/tags ----

    public List<Map<String, Object>> tags(Range r) {
        return Db.read(ds, c -> {
            List<Map<String, Object>> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT tag, sum(requests) AS n, sum(spend) AS s "
                    + "FROM daily_tag_spend WHERE day BETWEEN ? AND ? GROUP BY tag ORDER BY s DESC, tag")) {
                ps.setDate(1, Date.valueOf(r.from()));
                ps.setDate(2, Date.valueOf(r.to()));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Map<String, Object> m = new LinkedHashMap<>();
                        m.put("individual_request_tag", rs.getString("tag"));
                        m.put("log_count", rs.getLong("n"));
                        m.put("total_spend", Money.out(rs.getBigDecimal("s")));
                        out.add(m);
                    }
                }
            }
            return out;
        });
    }

    // ---- /spend/usage (mpc-api: one app's usage) ----

    public Map<String, Object> usage(String endUser, Range r, String groupBy) {
        if (endUser == null || endUser.isBlank()) {
            throw ApiException.badRequest("end_user is required", "end_user");
        }
        String g = groupBy == null ? "day" : groupBy;
        String col = switch (g) {
            case "day" -> "day::text";
            case "model" -> "model_group";
            default -> throw ApiException.badRequest("group_by must be day or model", "group_by");
        };
        List<Map<String, Object>> data = Db.read(ds, c -> {
            List<Map<String, Object>> out = new ArrayList<>();
            // by day: the end_user dimension rollup (one row per day); by model: the full daily rollup
            String sql = g.equals("day")
                    ? "SELECT day::text AS g, requests AS n, prompt_tokens AS pt, completion_tokens AS ct, spend AS s "
                            + "FROM daily_dim_spend WHERE dim = 'end_user' AND value = ? AND day BETWEEN ? AND ? "
                            + "ORDER BY 1"
                    : "SELECT " + col + " AS g, sum(requests) AS n, sum(prompt_tokens) AS pt, "
                            + "sum(completion_tokens) AS ct, sum(spend) AS s FROM daily_spend "
                            + "WHERE end_user = ? AND day BETWEEN ? AND ? GROUP BY 1 ORDER BY 1";
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, endUser);
                ps.setDate(2, Date.valueOf(r.from()));
                ps.setDate(3, Date.valueOf(r.to()));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Map<String, Object> m = new LinkedHashMap<>();
                        m.put("group", rs.getString("g"));
                        m.put("requests", rs.getLong("n"));
                        m.put("prompt_tokens", rs.getLong("pt"));
                        m.put("completion_tokens", rs.getLong("ct"));
                        m.put("spend", Money.str(rs.getBigDecimal("s")));
                        out.add(m);
                    }
                }
            }
            return out;
        });
        long n = 0;
        long pt = 0;
        long ct = 0;
        BigDecimal s = BigDecimal.ZERO;
        for (Map<String, Object> m : data) {
            n += (Long) m.get("requests");
            pt += (Long) m.get("prompt_tokens");
            ct += (Long) m.get("completion_tokens");
            s = s.add(new BigDecimal((String) m.get("spend")));
        }
        Map<String, Object> total = new LinkedHashMap<>();
        total.put("requests", n);
        total.put("prompt_tokens", pt);
        total.put("completion_tokens", ct);
        total.put("spend", Money.str(s));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("end_user", endUser);
        out.put("from", r.from().toString());
        out.put("to", r.to().toString());
        out.put("group_by", g);
        out.put("data", data);
        out.put("total", total);
        return out;
    }

    // ---- /spend/logs ----

    public record LogQuery(
            String apiKey,
            String userId,
            String teamId,
            String endUser,
            String model,
            String requestId,
            String clientRequestId,
            String status,
            String start,
            String end,
            int page,
            int pageSize) {}

    public record Page(List<Map<String, Object>> rows, boolean hasMore) {}

    public static final List<String> LOG_COLUMNS = List.of(
            "request_id",
            "call_type",
            "api_key",
            "key_alias",
            "spend",
            "total_tokens",
            "prompt_tokens",
            "completion_tokens",
            "cached_read_tokens",
            "cache_creation_tokens",
            "reasoning_tokens",
            "startTime",
            "endTime",
            "completionStartTime",
            "model",
            "model_group",
            "model_id",
            "custom_llm_provider",
            "api_base",
            "user",
            "team_id",
            "end_user",
            "request_tags",
            "cache_hit",
            "stream",
            "status",
            "http_status",
            "error_type",
            "latency_ms",
            "ttft_ms",
            "cost_source",
            "client_request_id",
            "incomplete");

    public Page logs(LogQuery q) {
        if (q.page() < 1 || q.pageSize() < 1 || q.pageSize() > 1000) {
            throw ApiException.badRequest("page >= 1 and 1 <= page_size <= 1000", "page_size");
        }
        StringBuilder where = new StringBuilder(" WHERE true");
        List<Object> args = new ArrayList<>();
        if (q.apiKey() != null) {
            where.append(" AND key_hash = ?");
            args.add(KeyHash.normalize(q.apiKey()));
        }
        if (q.userId() != null) {
            where.append(" AND user_id = ?");
            args.add(q.userId());
        }
        if (q.teamId() != null) {
            where.append(" AND team_id = ?");
            args.add(q.teamId());
        }
        if (q.endUser() != null) {
            where.append(" AND end_user = ?");
            args.add(q.endUser());
        }
        if (q.model() != null) {
            where.append(" AND (model_group = ? OR model = ?)");
            args.add(q.model());
            args.add(q.model());
        }
        if (q.requestId() != null) {
            where.append(" AND request_id = ?");
            args.add(q.requestId());
        }
        if (q.clientRequestId() != null) {
            where.append(" AND client_request_id = ?");
            args.add(q.clientRequestId());
        }
        if (q.status() != null) {
            where.append(" AND status = ?");
            args.add(q.status());
        }
        if (q.start() != null) {
            where.append(" AND start_time >= ?");
            args.add(bound(q.start(), false, "start_date"));
        }
        if (q.end() != null) {
            where.append(" AND start_time < ?");
            args.add(bound(q.end(), true, "end_date"));
        }
        String sql =
                "SELECT * FROM usage_events" + where + " ORDER BY start_time DESC, request_id DESC LIMIT ? OFFSET ?";
        return Db.read(ds, c -> {
            List<Map<String, Object>> rows = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                int i = 1;
                for (Object a : args) {
                    ps.setObject(i++, a);
                }
                ps.setInt(i++, q.pageSize() + 1);
                ps.setLong(i, (long) (q.page() - 1) * q.pageSize());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.add(logRow(rs));
                    }
                }
            }
            boolean more = rows.size() > q.pageSize();
            return new Page(more ? rows.subList(0, q.pageSize()) : rows, more);
        });
    }

    /** A date (whole UTC day; an end date is inclusive) or an RFC 3339 timestamp. */
    static OffsetDateTime bound(String s, boolean end, String param) {
        try {
            if (s.length() <= 10) {
                LocalDate d = LocalDate.parse(s);
                return (end ? d.plusDays(1) : d).atStartOfDay().atOffset(ZoneOffset.UTC);
            }
            OffsetDateTime t = OffsetDateTime.parse(s);
            return end ? t.plusNanos(1000) : t;
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest(param + " must be YYYY-MM-DD or an RFC 3339 timestamp", param);
        }
    }

    private static String iso(ResultSet rs, String col) throws SQLException {
        OffsetDateTime t = rs.getObject(col, OffsetDateTime.class);
        return t == null ? null : t.toInstant().toString();
    }

    private static Map<String, Object> logRow(ResultSet rs) throws SQLException {
        Map<String, Object> m = new LinkedHashMap<>();
        int pt = rs.getInt("prompt_tokens");
        int ct = rs.getInt("completion_tokens");
        // request_id: the gateway's id of the call (LiteLLM's meaning); client_request_id (last, so that CSV columns
        // keep their places): the caller's x-request-id
        m.put("request_id", rs.getString("request_id"));
        m.put("call_type", rs.getString("call_type"));
        m.put("api_key", rs.getString("key_hash"));
        m.put("key_alias", rs.getString("key_alias"));
        m.put("spend", Money.out(rs.getBigDecimal("cost_usd")));
        m.put("total_tokens", pt + ct);
        m.put("prompt_tokens", pt);
        m.put("completion_tokens", ct);
        m.put("cached_read_tokens", rs.getInt("cached_read_tokens"));
        m.put("cache_creation_tokens", rs.getInt("cache_creation_tokens"));
        m.put("reasoning_tokens", rs.getInt("reasoning_tokens"));
        m.put("startTime", iso(rs, "start_time"));
        m.put("endTime", iso(rs, "end_time"));
        m.put("completionStartTime", iso(rs, "first_token_time"));
        m.put("model", rs.getString("model"));
        m.put("model_group", rs.getString("model_group"));
        m.put("model_id", rs.getString("deployment_id"));
        m.put("custom_llm_provider", rs.getString("provider"));
        m.put("api_base", rs.getString("api_base_host"));
        m.put("user", rs.getString("user_id"));
        m.put("team_id", rs.getString("team_id"));
        m.put("end_user", rs.getString("end_user"));
        Array tags = rs.getArray("tags");
        m.put("request_tags", tags == null ? List.of() : List.of((String[]) tags.getArray()));
        m.put("cache_hit", rs.getBoolean("cache_hit"));
        m.put("stream", rs.getBoolean("stream"));
        m.put("status", rs.getString("status"));
        m.put("http_status", (Integer) rs.getObject("http_status"));
        m.put("error_type", rs.getString("error_type"));
        m.put("latency_ms", rs.getInt("latency_ms"));
        m.put("ttft_ms", (Integer) rs.getObject("ttft_ms"));
        m.put("cost_source", rs.getString("cost_source"));
        m.put("client_request_id", rs.getString("client_request_id"));
        m.put("incomplete", rs.getBoolean("incomplete"));
        return m;
    }
}
