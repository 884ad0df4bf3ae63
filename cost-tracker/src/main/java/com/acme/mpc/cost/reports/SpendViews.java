package com.acme.mpc.cost.reports;

import com.acme.mpc.cost.api.Money;
import com.acme.mpc.cost.db.Db;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * LiteLLM's spend views in LiteLLM's shapes (/global/spend/report nested, /global/spend/logs, /global/activity,
 * /global/spend/tags), read from the daily rollups so that they survive the raw-event retention purge.
 */
@ApplicationScoped
public class SpendViews {
    /** LiteLLM's label of a day in /global/activity ("Jan 22"). */
    private static final DateTimeFormatter ACTIVITY_DAY = DateTimeFormatter.ofPattern("MMM dd", Locale.ENGLISH);

    private final AgroalDataSource ds;

    public SpendViews(AgroalDataSource ds) {
        this.ds = ds;
    }

    /** Optional narrowing of the nested report (LiteLLM's api_key, internal_user_id, team_id, customer_id). */
    public record Filters(String keyHash, String userId, String teamId, String customerId) {
        boolean any() {
            return keyHash != null || userId != null || teamId != null || customerId != null;
        }
    }

    /**
     * LiteLLM's nested report per day: group "team" gives {@code [{group_by_day, teams: [{team_name, team_id,
     * total_spend, metadata: [{model, api_key, spend, total_tokens}]}]}]}, group "customer" the same with
     * {@code customers: [{customer, ...}]}.
     */
    public List<Map<String, Object>> nestedByDay(String group, ReportService.Range r, Filters f) {
        boolean team = group.equals("team");
        String sql = "SELECT d.day, d.team_id, t.team_alias, d.end_user, d.model_group, d.key_hash,"
                + " sum(d.spend) AS spend, sum(d.prompt_tokens + d.completion_tokens) AS tokens"
                + " FROM daily_spend d LEFT JOIN teams t ON t.team_id = d.team_id AND d.team_id <> ''"
                + " WHERE d.day BETWEEN ? AND ?" + where(f)
                + " GROUP BY d.day, d.team_id, t.team_alias, d.end_user, d.model_group, d.key_hash"
                + " ORDER BY d.day, spend DESC, d.model_group, d.key_hash";
        Map<LocalDate, Map<String, Map<String, Object>>> days = new LinkedHashMap<>();
        Db.read(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                bind(ps, r, f);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        LocalDate day = rs.getDate("day").toLocalDate();
                        String teamId = blankToNull(rs.getString("team_id"));
                        String customer = blankToNull(rs.getString("end_user"));
                        String groupKey = team ? String.valueOf(teamId) : String.valueOf(customer);
                        Map<String, Object> entry = days.computeIfAbsent(day, d -> new LinkedHashMap<>())
                                .computeIfAbsent(groupKey, k -> newGroup(team, teamId, rs, customer));
                        BigDecimal spend = rs.getBigDecimal("spend");
                        entry.put("total_spend", ((BigDecimal) entry.get("total_spend")).add(spend));
                        Map<String, Object> m = new LinkedHashMap<>();
                        m.put("model", rs.getString("model_group"));
                        m.put("api_key", blankToNull(rs.getString("key_hash")));
                        m.put("spend", Money.out(spend));
                        m.put("total_tokens", rs.getLong("tokens"));
                        metadata(entry).add(m);
                    }
                }
            }
            return null;
        });
        List<Map<String, Object>> out = new ArrayList<>();
        days.forEach((day, groups) -> {
            List<Map<String, Object>> list = new ArrayList<>(groups.values());
            for (Map<String, Object> g : list) {
                g.put("total_spend", Money.out((BigDecimal) g.get("total_spend")));
            }
            list.sort((a, b) -> ((BigDecimal) b.get("total_spend")).compareTo((BigDecimal) a.get("total_spend")));
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("group_by_day", day.toString());
            row.put(team ? "teams" : "customers", list);
            out.add(row);
        });
        return out;
    }

    private static Map<String, Object> newGroup(boolean team, String teamId, ResultSet rs, String customer) {
        Map<String, Object> g = new LinkedHashMap<>();
        try {
            if (team) {
                String alias = rs.getString("team_alias");
                g.put("team_name", alias != null ? alias : teamId != null ? teamId : "Unassigned Team");
                g.put("team_id", teamId);
            } else {
                g.put("customer", customer);
            }
        } catch (SQLException e) {
            throw new Db.DbException(e);
        }
        g.put("total_spend", BigDecimal.ZERO);
        g.put("metadata", new ArrayList<Map<String, Object>>());
        return g;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> metadata(Map<String, Object> group) {
        return (List<Map<String, Object>>) group.get("metadata");
    }

    /**
     * LiteLLM's report per key over the range: {@code [{api_key, total_cost, total_input_tokens,
     * total_output_tokens, model_details: [{model, total_cost, total_input_tokens, total_output_tokens}]}]},
     * highest cost first.
     */
    public List<Map<String, Object>> nestedByKey(ReportService.Range r, Filters f) {
        String sql = "SELECT d.key_hash, d.model_group, sum(d.spend) AS spend, sum(d.prompt_tokens) AS input,"
                + " sum(d.completion_tokens) AS output FROM daily_spend d"
                + " WHERE d.day BETWEEN ? AND ?" + where(f)
                + " GROUP BY d.key_hash, d.model_group ORDER BY d.key_hash, spend DESC, d.model_group";
        Map<String, Map<String, Object>> keys = new LinkedHashMap<>();
        Db.read(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                bind(ps, r, f);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String key = blankToNull(rs.getString("key_hash"));
                        Map<String, Object> k = keys.computeIfAbsent(String.valueOf(key), x -> {
                            Map<String, Object> m = new LinkedHashMap<>();
                            m.put("api_key", key);
                            m.put("total_cost", BigDecimal.ZERO);
                            m.put("total_input_tokens", 0L);
                            m.put("total_output_tokens", 0L);
                            m.put("model_details", new ArrayList<Map<String, Object>>());
                            return m;
                        });
                        BigDecimal spend = rs.getBigDecimal("spend");
                        long in = rs.getLong("input");
                        long outTokens = rs.getLong("output");
                        k.put("total_cost", ((BigDecimal) k.get("total_cost")).add(spend));
                        k.put("total_input_tokens", (Long) k.get("total_input_tokens") + in);
                        k.put("total_output_tokens", (Long) k.get("total_output_tokens") + outTokens);
                        Map<String, Object> m = new LinkedHashMap<>();
                        m.put("model", rs.getString("model_group"));
                        m.put("total_cost", Money.out(spend));
                        m.put("total_input_tokens", in);
                        m.put("total_output_tokens", outTokens);
                        @SuppressWarnings("unchecked")
                        List<Map<String, Object>> details = (List<Map<String, Object>>) k.get("model_details");
                        details.add(m);
                    }
                }
            }
            return null;
        });
        List<Map<String, Object>> out = new ArrayList<>(keys.values());
        for (Map<String, Object> k : out) {
            k.put("total_cost", Money.out((BigDecimal) k.get("total_cost")));
        }
        out.sort((a, b) -> ((BigDecimal) b.get("total_cost")).compareTo((BigDecimal) a.get("total_cost")));
        return out;
    }

    private static String where(Filters f) {
        if (f == null || !f.any()) {
            return "";
        }
        StringBuilder w = new StringBuilder();
        if (f.keyHash() != null) {
            w.append(" AND d.key_hash = ?");
        }
        if (f.userId() != null) {
            w.append(" AND d.user_id = ?");
        }
        if (f.teamId() != null) {
            w.append(" AND d.team_id = ?");
        }
        if (f.customerId() != null) {
            w.append(" AND d.end_user = ?");
        }
        return w.toString();
    }

    private static void bind(PreparedStatement ps, ReportService.Range r, Filters f) throws SQLException {
        ps.setDate(1, Date.valueOf(r.from()));
        ps.setDate(2, Date.valueOf(r.to()));
        int i = 3;
        if (f == null) {
            return;
        }
        for (String v : new String[] {f.keyHash(), f.userId(), f.teamId(), f.customerId()}) {
            if (v != null) {
                ps.setString(i++, v);
            }
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    /**
     * LiteLLM's /global/spend/logs: spend per day of the last 30 days ({@code [{date, spend}]}, oldest first), of
     * every key or of one ({@code api_key} added to each row).
     */
    public List<Map<String, Object>> dailySpend(String keyHash, LocalDate today) {
        String sql = "SELECT day, sum(spend) AS spend FROM daily_dim_spend WHERE dim = ? AND day BETWEEN ? AND ?"
                + (keyHash == null ? " AND value = ''" : " AND value = ?") + " GROUP BY day ORDER BY day";
        return Db.read(ds, c -> {
            List<Map<String, Object>> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, keyHash == null ? "total" : "key");
                ps.setDate(2, Date.valueOf(today.minusDays(30)));
                ps.setDate(3, Date.valueOf(today));
                if (keyHash != null) {
                    ps.setString(4, keyHash);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Map<String, Object> m = new LinkedHashMap<>();
                        m.put("date", rs.getDate("day").toString());
                        m.put("spend", Money.out(rs.getBigDecimal("spend")));
                        if (keyHash != null) {
                            m.put("api_key", keyHash);
                        }
                        out.add(m);
                    }
                }
            }
            return out;
        });
    }

    /**
     * LiteLLM's /global/activity: {@code {daily_data: [{date: "Jan 22", api_requests, total_tokens}],
     * sum_api_requests, sum_total_tokens}}; each day also carries its ISO {@code day}, which LiteLLM's label
     * lacks the year of.
     */
    public Map<String, Object> activity(ReportService.Range r) {
        String sql = "SELECT day, sum(requests) AS requests, sum(prompt_tokens + completion_tokens) AS tokens"
                + " FROM daily_dim_spend WHERE dim = 'total' AND value = '' AND day BETWEEN ? AND ?"
                + " GROUP BY day ORDER BY day";
        return Db.read(ds, c -> {
            List<Map<String, Object>> days = new ArrayList<>();
            long requests = 0;
            long tokens = 0;
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setDate(1, Date.valueOf(r.from()));
                ps.setDate(2, Date.valueOf(r.to()));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        LocalDate day = rs.getDate("day").toLocalDate();
                        Map<String, Object> m = new LinkedHashMap<>();
                        m.put("date", ACTIVITY_DAY.format(day));
                        m.put("day", day.toString());
                        m.put("api_requests", rs.getLong("requests"));
                        m.put("total_tokens", rs.getLong("tokens"));
                        requests += rs.getLong("requests");
                        tokens += rs.getLong("tokens");
                        days.add(m);
                    }
                }
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("daily_data", days);
            out.put("sum_api_requests", requests);
            out.put("sum_total_tokens", tokens);
            return out;
        });
    }

    /**
     * LiteLLM's /global/spend/tags: {@code {spend_per_tag: [{name, spend, log_count}]}}, highest spend first; all
     * tags, or those named ({@code all-tags} among them means all, as LiteLLM).
     */
    public Map<String, Object> spendPerTag(ReportService.Range r, Set<String> tags) {
        boolean all = tags == null || tags.isEmpty() || tags.contains("all-tags");
        String sql = "SELECT tag, sum(spend) AS spend, sum(requests) AS n FROM daily_tag_spend"
                + " WHERE day BETWEEN ? AND ?" + (all ? "" : " AND tag = ANY (?)")
                + " GROUP BY tag ORDER BY spend DESC, tag";
        return Db.read(ds, c -> {
            List<Map<String, Object>> rows = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setDate(1, Date.valueOf(r.from()));
                ps.setDate(2, Date.valueOf(r.to()));
                if (!all) {
                    ps.setArray(3, Db.textArray(c, tags.toArray(String[]::new)));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Map<String, Object> m = new LinkedHashMap<>();
                        m.put("name", rs.getString("tag"));
                        m.put("spend", Money.out(rs.getBigDecimal("spend")));
                        m.put("log_count", rs.getLong("n"));
                        rows.add(m);
                    }
                }
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("spend_per_tag", rows);
            return out;
        });
    }
}
