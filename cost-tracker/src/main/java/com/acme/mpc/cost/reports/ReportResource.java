package com.acme.mpc.cost.reports;

import com.acme.mpc.cost.api.ApiException;
import com.acme.mpc.cost.api.QueryParams;
import com.acme.mpc.cost.keys.KeyHash;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * LiteLLM-compatible spend reports (master key required). JSON by default, CSV with Accept: text/csv or
 * ?format=csv. Dates are UTC days, inclusive; the default range is the last 30 days.
 */
@Path("/")
@Produces({MediaType.APPLICATION_JSON, Render.CSV})
public class ReportResource {
    private static final List<String> REPORT_COLUMNS =
            List.of("group_by_day", "requests", "prompt_tokens", "completion_tokens", "total_tokens", "total_spend");

    private final ReportService reports;
    private final SpendViews views;

    @Context
    HttpHeaders headers;

    public ReportResource(ReportService reports, SpendViews views) {
        this.reports = reports;
        this.views = views;
    }

    private static int limit(int limit) {
        if (limit < 1 || limit > 10_000) {
            throw ApiException.badRequest("limit must be 1..10000", "limit");
        }
        return limit;
    }

    @GET
    @Path("global/spend")
    public Response globalSpend(
            @QueryParam("start_date") String start,
            @QueryParam("end_date") String end,
            @QueryParam("format") String format) {
        ReportService.Range r = start == null && end == null ? null : ReportService.range(start, end, 30);
        BigDecimal spend = reports.totalSpend(r);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("spend", spend);
        m.put("max_budget", null);
        return Render.of(headers, format, m, List.of(m), List.of("spend", "max_budget"), "global_spend");
    }

    @GET
    @Path("global/spend/models")
    public Response models(
            @QueryParam("limit") String limitParam,
            @QueryParam("start_date") String start,
            @QueryParam("end_date") String end,
            @QueryParam("format") String format) {
        int limit = QueryParams.integer(limitParam, "limit", 10);
        var rows = reports.top("model", ReportService.range(start, end, 30), limit(limit));
        return Render.of(headers, format, rows, rows, List.of("model", "total_spend"), "spend_models");
    }

    @GET
    @Path("global/spend/keys")
    public Response keys(
            @QueryParam("limit") String limitParam,
            @QueryParam("start_date") String start,
            @QueryParam("end_date") String end,
            @QueryParam("format") String format) {
        int limit = QueryParams.integer(limitParam, "limit", 10);
        var rows = reports.top("key", ReportService.range(start, end, 30), limit(limit));
        return Render.of(headers, format, rows, rows, List.of("api_key", "key_alias", "total_spend"), "spend_keys");
    }

    @GET
    @Path("global/spend/teams")
    public Response teams(
            @QueryParam("limit") String limitParam,
            @QueryParam("start_date") String start,
            @QueryParam("end_date") String end,
            @QueryParam("format") String format) {
        int limit = QueryParams.integer(limitParam, "limit", 10);
        var rows = reports.top("team", ReportService.range(start, end, 30), limit(limit));
        return Render.of(headers, format, rows, rows, List.of("team_id", "total_spend"), "spend_teams");
    }

    @GET
    @Path("global/spend/end_users")
    public Response endUsers(
            @QueryParam("limit") String limitParam,
            @QueryParam("start_date") String start,
            @QueryParam("end_date") String end,
            @QueryParam("format") String format) {
        int limit = QueryParams.integer(limitParam, "limit", 10);
        var rows = reports.top("end_user", ReportService.range(start, end, 30), limit(limit));
        return Render.of(headers, format, rows, rows, List.of("end_user", "total_spend"), "spend_end_users");
    }

    /** group_by values whose LiteLLM answer is nested; every other group_by is a flat report of ours. */
    private static final java.util.Set<String> NESTED = java.util.Set.of("team", "customer", "api_key");

    /**
     * LiteLLM's nested report by default: group_by team (default), customer (per day, each group with its
     * per-model-and-key metadata) or api_key (per key over the range, with model_details); api_key,
     * internal_user_id, team_id and customer_id narrow it. {@code flat=true}, or any other group_by (day, model,
     * key, user, end_user, provider, tag), gives flat rows per day and group; granularity=total sums the whole
     * range per group.
     */
    @GET
    @Path("global/spend/report")
    public Response report(
            @QueryParam("start_date") String start,
            @QueryParam("end_date") String end,
            @QueryParam("group_by") String groupBy,
            @QueryParam("granularity") @DefaultValue("day") String granularity,
            @QueryParam("flat") String flatParam,
            @QueryParam("api_key") String apiKey,
            @QueryParam("internal_user_id") String internalUserId,
            @QueryParam("team_id") String teamId,
            @QueryParam("customer_id") String customerId,
            @QueryParam("format") String format) {
        boolean flat = QueryParams.bool(flatParam, "flat", false);
        if (!granularity.equals("day") && !granularity.equals("total")) {
            throw ApiException.badRequest("granularity must be day or total", "granularity");
        }
        ReportService.Range range = ReportService.range(start, end, 30);
        String group = groupBy == null || groupBy.isBlank() ? (flat ? "day" : "team") : groupBy;
        if (!flat && NESTED.contains(group)) {
            var filters = new SpendViews.Filters(
                    apiKey == null || apiKey.isBlank() ? null : KeyHash.normalize(apiKey),
                    blankToNull(internalUserId),
                    blankToNull(teamId),
                    blankToNull(customerId));
            // As LiteLLM: a key or an internal user asks for the per-key shape whatever group_by says.
            if (group.equals("api_key") || filters.keyHash() != null || filters.userId() != null) {
                var keys = views.nestedByKey(range, filters);
                return Render.of(headers, format, keys, flattenKeys(keys), KEY_COLUMNS, "spend_report_api_key");
            }
            var days = views.nestedByDay(group, range, filters);
            return Render.of(
                    headers, format, days, flattenDays(days, group), dayColumns(group), "spend_report_" + group);
        }
        var rows = reports.report(group, range, granularity.equals("day"));
        return Render.of(headers, format, rows, rows, REPORT_COLUMNS, "spend_report_" + group);
    }

    private static final List<String> KEY_COLUMNS =
            List.of("api_key", "model", "total_cost", "total_input_tokens", "total_output_tokens");

    private static List<String> dayColumns(String group) {
        return group.equals("team")
                ? List.of("group_by_day", "team_name", "team_id", "model", "api_key", "spend", "total_tokens")
                : List.of("group_by_day", "customer", "model", "api_key", "spend", "total_tokens");
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    /** The nested per-key report as CSV rows: one per key and model. */
    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> flattenKeys(List<Map<String, Object>> keys) {
        List<Map<String, Object>> rows = new java.util.ArrayList<>();
        for (Map<String, Object> k : keys) {
            for (Map<String, Object> d : (List<Map<String, Object>>) k.get("model_details")) {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("api_key", k.get("api_key"));
                r.putAll(d);
                rows.add(r);
            }
        }
        return rows;
    }

    /** The nested per-day report as CSV rows: one per day, group, model and key. */
    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> flattenDays(List<Map<String, Object>> days, String group) {
        List<Map<String, Object>> rows = new java.util.ArrayList<>();
        String list = group.equals("team") ? "teams" : "customers";
        for (Map<String, Object> day : days) {
            for (Map<String, Object> g : (List<Map<String, Object>>) day.get(list)) {
                for (Map<String, Object> m : (List<Map<String, Object>>) g.get("metadata")) {
                    Map<String, Object> r = new LinkedHashMap<>();
                    r.put("group_by_day", day.get("group_by_day"));
                    if (group.equals("team")) {
                        r.put("team_name", g.get("team_name"));
                        r.put("team_id", g.get("team_id"));
                    } else {
                        r.put("customer", g.get("customer"));
                    }
                    r.putAll(m);
                    rows.add(r);
                }
            }
        }
        return rows;
    }

    @GET
    @Path("spend/tags")
    public Response tags(
            @QueryParam("start_date") String start,
            @QueryParam("end_date") String end,
            @QueryParam("format") String format) {
        var rows = reports.tags(ReportService.range(start, end, 30));
        return Render.of(
                headers,
                format,
                rows,
                rows,
                List.of("individual_request_tag", "log_count", "total_spend"),
                "spend_tags");
    }

    /** Raw events, newest first, paged (page 1.., page_size 1..1000); x-next-page tells if more exist. */
    @GET
    @Path("spend/logs")
    public Response logs(
            @QueryParam("api_key") String apiKey,
            @QueryParam("key_hash") String keyHash,
            @QueryParam("user_id") String userId,
            @QueryParam("team_id") String teamId,
            @QueryParam("end_user") String endUser,
            @QueryParam("model") String model,
            @QueryParam("request_id") String requestId,
            @QueryParam("client_request_id") String clientRequestId,
            @QueryParam("status") String status,
            @QueryParam("start_date") String start,
            @QueryParam("end_date") String end,
            @QueryParam("page") String pageParam,
            @QueryParam("page_size") String pageSizeParam,
            @QueryParam("format") String format) {
        int page = QueryParams.integer(pageParam, "page", 1);
        int pageSize = QueryParams.integer(pageSizeParam, "page_size", 50);
        var q = new ReportService.LogQuery(
                apiKey != null ? apiKey : keyHash,
                userId,
                teamId,
                endUser,
                model,
                requestId,
                clientRequestId,
                status,
                start,
                end,
                page,
                pageSize);
        ReportService.Page p = reports.logs(q);
        Response r = Render.of(headers, format, p.rows(), p.rows(), ReportService.LOG_COLUMNS, "spend_logs");
        if (p.hasMore()) {
            return Response.fromResponse(r).header("x-next-page", page + 1).build();
        }
        return r;
    }

    /** One app's usage (mpc-api), from the rollups; see docs/contracts.md. */
    @GET
    @Path("spend/usage")
    public Response usage(
            @QueryParam("end_user") String endUser,
            @QueryParam("from") String from,
            @QueryParam("to") String to,
            @QueryParam("group_by") @DefaultValue("day") String groupBy,
            @QueryParam("format") String format) {
        Map<String, Object> u = reports.usage(endUser, ReportService.range(from, to, 30), groupBy);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> data = (List<Map<String, Object>>) u.get("data");
        return Render.of(
                headers,
                format,
                u,
                data,
                List.of("group", "requests", "prompt_tokens", "completion_tokens", "spend"),
                "usage_" + endUser);
    }
}
