package com.acme.mpc.cost.reports;

import com.acme.mpc.cost.api.ApiException;
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

    @Context
    HttpHeaders headers;

    public ReportResource(ReportService reports) {
        this.reports = reports;
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
            @QueryParam("limit") @DefaultValue("10") int limit,
            @QueryParam("start_date") String start,
            @QueryParam("end_date") String end,
            @QueryParam("format") String format) {
        var rows = reports.top("model", ReportService.range(start, end, 30), limit(limit));
        return Render.of(headers, format, rows, rows, List.of("model", "total_spend"), "spend_models");
    }

    @GET
    @Path("global/spend/keys")
    public Response keys(
            @QueryParam("limit") @DefaultValue("10") int limit,
            @QueryParam("start_date") String start,
            @QueryParam("end_date") String end,
            @QueryParam("format") String format) {
        var rows = reports.top("key", ReportService.range(start, end, 30), limit(limit));
        return Render.of(headers, format, rows, rows, List.of("api_key", "key_alias", "total_spend"), "spend_keys");
    }

    @GET
    @Path("global/spend/teams")
    public Response teams(
            @QueryParam("limit") @DefaultValue("10") int limit,
            @QueryParam("start_date") String start,
            @QueryParam("end_date") String end,
            @QueryParam("format") String format) {
        var rows = reports.top("team", ReportService.range(start, end, 30), limit(limit));
        return Render.of(headers, format, rows, rows, List.of("team_id", "total_spend"), "spend_teams");
    }

    @GET
    @Path("global/spend/end_users")
    public Response endUsers(
            @QueryParam("limit") @DefaultValue("10") int limit,
            @QueryParam("start_date") String start,
            @QueryParam("end_date") String end,
            @QueryParam("format") String format) {
        var rows = reports.top("end_user", ReportService.range(start, end, 30), limit(limit));
        return Render.of(headers, format, rows, rows, List.of("end_user", "total_spend"), "spend_end_users");
    }

    /**
     * group_by: day (default), model, key (api_key), team, user, customer (end_user), provider, tag.
     * Rows per day and group; granularity=total sums the whole range per group.
     */
    @GET
    @Path("global/spend/report")
    public Response report(
            @QueryParam("start_date") String start,
            @QueryParam("end_date") String end,
            @QueryParam("group_by") @DefaultValue("day") String groupBy,
            @QueryParam("granularity") @DefaultValue("day") String granularity,
            @QueryParam("format") String format) {
        if (!granularity.equals("day") && !granularity.equals("total")) {
            throw ApiException.badRequest("granularity must be day or total", "granularity");
        }
        var rows = reports.report(groupBy, ReportService.range(start, end, 30), granularity.equals("day"));
        return Render.of(headers, format, rows, rows, REPORT_COLUMNS, "spend_report_" + groupBy);
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
            @QueryParam("page") @DefaultValue("1") int page,
            @QueryParam("page_size") @DefaultValue("50") int pageSize,
            @QueryParam("format") String format) {
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
