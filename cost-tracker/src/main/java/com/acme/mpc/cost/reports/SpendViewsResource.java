package com.acme.mpc.cost.reports;

import com.acme.mpc.cost.admin.EntityKind;
import com.acme.mpc.cost.admin.EntityStore;
import com.acme.mpc.cost.api.ApiException;
import com.acme.mpc.cost.api.QueryParams;
import com.acme.mpc.cost.keys.KeyHash;
import com.acme.mpc.cost.keys.KeyService;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * LiteLLM's remaining spend routes, in LiteLLM's shapes (master key): /spend/keys, /spend/users,
 * /global/spend/logs, /global/activity, /global/spend/tags. Dates are UTC days, inclusive.
 */
@Path("/")
@Produces({MediaType.APPLICATION_JSON, Render.CSV})
public class SpendViewsResource {
    /** Bounds the unpaged LiteLLM lists (/spend/keys, /spend/users). */
    static final int MAX_ROWS = 10_000;

    private final SpendViews views;
    private final KeyService keys;
    private final EntityStore entities;

    @Context
    HttpHeaders headers;

    public SpendViewsResource(SpendViews views, KeyService keys, EntityStore entities) {
        this.views = views;
        this.keys = keys;
        this.entities = entities;
    }

    private static int limit(Integer limit) {
        if (limit == null) {
            return MAX_ROWS;
        }
        if (limit < 1 || limit > MAX_ROWS) {
            throw ApiException.badRequest("limit must be 1.." + MAX_ROWS, "limit");
        }
        return limit;
    }

    /** Every key, highest spend first (LiteLLM: "View all keys created, ordered by spend"). */
    @GET
    @Path("spend/keys")
    public List<Map<String, Object>> spendKeys(@QueryParam("limit") String limitParam) {
        Integer limit = QueryParams.optionalInteger(limitParam, "limit");
        return keys.bySpend(limit(limit));
    }

    /** Every internal user, highest spend first; with user_id, that user's row alone (404 if there is none). */
    @GET
    @Path("spend/users")
    public List<Map<String, Object>> spendUsers(
            @QueryParam("user_id") String userId, @QueryParam("limit") String limitParam) {
        Integer limit = QueryParams.optionalInteger(limitParam, "limit");
        if (userId != null) {
            return List.of(entities.info(EntityKind.USER, userId));
        }
        return entities.bySpend(EntityKind.USER, limit(limit));
    }

    /** Spend per day of the last 30 days, of every key or of one ({@code api_key}: the key or its hash). */
    @GET
    @Path("global/spend/logs")
    public Response globalSpendLogs(@QueryParam("api_key") String apiKey, @QueryParam("format") String format) {
        String hash = apiKey == null || apiKey.isBlank() ? null : KeyHash.normalize(apiKey);
        var rows = views.dailySpend(hash, LocalDate.now(ZoneOffset.UTC));
        return Render.of(headers, format, rows, rows, List.of("date", "spend"), "global_spend_logs");
    }

    /** Requests and tokens per day; start_date and end_date are required, as LiteLLM. */
    @GET
    @Path("global/activity")
    public Response activity(
            @QueryParam("start_date") String start,
            @QueryParam("end_date") String end,
            @QueryParam("format") String format) {
        ReportService.Range r = requiredRange(start, end);
        Map<String, Object> a = views.activity(r);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> days = (List<Map<String, Object>>) a.get("daily_data");
        return Render.of(
                headers, format, a, days, List.of("date", "day", "api_requests", "total_tokens"), "global_activity");
    }

    /** Spend per request tag; {@code tags} narrows to a comma-separated list ({@code all-tags}: every tag). */
    @GET
    @Path("global/spend/tags")
    public Response tags(
            @QueryParam("start_date") String start,
            @QueryParam("end_date") String end,
            @QueryParam("tags") String tags,
            @QueryParam("format") String format) {
        ReportService.Range r = requiredRange(start, end);
        Set<String> wanted = tags == null || tags.isBlank()
                ? Set.of()
                : new LinkedHashSet<>(Arrays.stream(tags.split(","))
                        .map(String::trim)
                        .filter(t -> !t.isEmpty())
                        .toList());
        Map<String, Object> out = views.spendPerTag(r, wanted);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> rows = (List<Map<String, Object>>) out.get("spend_per_tag");
        return Render.of(headers, format, out, rows, List.of("name", "spend", "log_count"), "global_spend_tags");
    }

    static ReportService.Range requiredRange(String start, String end) {
        if (start == null || start.isBlank()) {
            throw ApiException.badRequest("Please provide start_date and end_date", "start_date");
        }
        if (end == null || end.isBlank()) {
            throw ApiException.badRequest("Please provide start_date and end_date", "end_date");
        }
        return ReportService.range(start, end, 30);
    }
}
