package com.acme.mpc.api.rest;

import com.acme.mpc.api.client.CostTrackerClient;
import com.acme.mpc.api.client.ModelGatewayClient;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.impl.ContextInternal;
import io.vertx.ext.web.RoutingContext;
import java.net.ConnectException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Set;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;

/**
 * GET /api/usage?from=&to=&group_by=: the calling app's own spend and tokens, asked from cost-tracker
 * with the app's name as end user. An app can only ever see its own usage.
 */
final class UsageHandler {

    private static final Set<String> GROUPS = Set.of("day", "model");
    /** Range used when the client gives no "from": the last 30 days, today included. */
    private static final int DEFAULT_DAYS = 30;

    private final CostTrackerClient costTracker;

    UsageHandler(CostTrackerClient costTracker) {
        this.costTracker = costTracker;
    }

    void handle(RoutingContext rc) {
        RequestTracking.route(rc, "usage");
        LocalDate to;
        LocalDate from;
        try {
            to = date(rc.queryParams().get("to"), LocalDate.now(ZoneOffset.UTC));
            from = date(rc.queryParams().get("from"), to.minusDays(DEFAULT_DAYS - 1));
        } catch (DateTimeParseException e) {
            invalid(rc, "'from' and 'to' must be dates as YYYY-MM-DD.");
            return;
        }
        if (from.isAfter(to)) {
            invalid(rc, "'from' must not be after 'to'.");
            return;
        }
        String groupBy = rc.queryParams().get("group_by");
        groupBy = groupBy == null || groupBy.isBlank() ? "day" : groupBy;
        if (!GROUPS.contains(groupBy)) {
            invalid(rc, "'group_by' must be 'day' or 'model'.");
            return;
        }
        ContextInternal context = (ContextInternal) rc.vertx().getOrCreateContext();
        costTracker
                .usage(
                        RequestTracking.requestId(rc),
                        RequestTracking.client(rc),
                        from.toString(),
                        to.toString(),
                        groupBy)
                .subscribe()
                .with(
                        answer -> context.runOnContext(v -> rc.response()
                                .setStatusCode(answer.status())
                                .putHeader("content-type", "application/json")
                                .end(answer.body())),
                        error -> context.runOnContext(v -> unavailable(rc.response(), error)));
    }

    private static LocalDate date(String value, LocalDate fallback) {
        return value == null || value.isBlank() ? fallback : LocalDate.parse(value.strip());
    }

    private static void invalid(RoutingContext rc, String message) {
        OpenAiErrors.send(rc.response(), 400, message, OpenAiErrors.INVALID_REQUEST, "invalid_parameter");
    }

    private static void unavailable(HttpServerResponse response, Throwable error) {
        if (ModelGatewayClient.isTimeout(error)) {
            OpenAiErrors.send(
                    response, 504, "cost-tracker did not answer in time", OpenAiErrors.API_ERROR, "usage_timeout");
        } else if (error instanceof CircuitBreakerOpenException) {
            OpenAiErrors.send(
                    response,
                    503,
                    "cost-tracker is failing; usage is unavailable for a few seconds",
                    OpenAiErrors.API_ERROR,
                    "usage_unavailable");
        } else {
            String why = error instanceof ConnectException || error.getCause() instanceof ConnectException
                    ? "cost-tracker is unreachable"
                    : "cost-tracker failed to report usage";
            OpenAiErrors.send(response, 502, why, OpenAiErrors.API_ERROR, "usage_unavailable");
        }
    }
}
