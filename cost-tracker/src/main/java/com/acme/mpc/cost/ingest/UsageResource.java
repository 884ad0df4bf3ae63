package com.acme.mpc.cost.ingest;

import com.acme.mpc.cost.CostTrackerConfig;
import com.acme.mpc.cost.api.ApiException;
import com.fasterxml.jackson.databind.JsonNode;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * POST /usage/events: a JSON array of 1..max-batch events. Valid events are stored even when others in
 * the batch are rejected (400 lists the rejected ones); see docs/contracts.md.
 */
@Path("/usage/events")
public class UsageResource {
    private final IngestService ingest;
    private final int maxBatch;

    public UsageResource(IngestService ingest, CostTrackerConfig config) {
        this.ingest = ingest;
        this.maxBatch = config.ingest().maxBatch();
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Response post(JsonNode body) {
        if (body == null || !body.isArray()) {
            throw new ApiException(
                    400,
                    "invalid_request_error",
                    "Body must be a JSON array of usage events",
                    null,
                    "invalid_usage_batch");
        }
        if (body.isEmpty() || body.size() > maxBatch) {
            throw new ApiException(
                    400,
                    "invalid_request_error",
                    "A batch holds 1.." + maxBatch + " events, got " + body.size(),
                    null,
                    "invalid_usage_batch");
        }
        List<EventValidator.Problem> problems = new ArrayList<>();
        List<EventValidator.Problem> normalised = new ArrayList<>();
        List<UsageEvent> valid = new ArrayList<>(body.size());
        for (int i = 0; i < body.size(); i++) {
            UsageEvent e = EventValidator.validate(i, body.get(i), problems, normalised);
            if (e != null) {
                valid.add(e);
            }
        }
        IngestService.Result r = ingest.ingest(valid);
        TreeSet<Integer> badIndexes = new TreeSet<>();
        for (EventValidator.Problem p : problems) {
            badIndexes.add(p.index());
        }
        Map<String, Object> counts = new LinkedHashMap<>();
        counts.put("accepted", r.accepted());
        counts.put("duplicates", r.duplicates());
        counts.put("rejected", listed(problems));
        if (!normalised.isEmpty()) {
            // stored, with these descriptive fields normalised (docs/contracts.md)
            counts.put("normalised", listed(normalised));
            ingest.countNormalised(normalised.size());
        }
        if (problems.isEmpty()) {
            return Response.ok(counts).build();
        }
        ingest.countRejected(badIndexes.size());
        EventValidator.Problem first = problems.get(0);
        String param = "[" + first.index() + "]" + (first.field().isEmpty() ? "" : "." + first.field());
        String message =
                badIndexes.size() + " of " + body.size() + " events rejected; first: " + param + " " + first.message();
        return Response.status(400)
                .type(MediaType.APPLICATION_JSON)
                .entity(ApiException.errorBody(message, "invalid_request_error", param, "invalid_usage_event", counts))
                .build();
    }

    private static List<Map<String, Object>> listed(List<EventValidator.Problem> problems) {
        List<Map<String, Object>> out = new ArrayList<>(problems.size());
        for (EventValidator.Problem p : problems) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("index", p.index());
            m.put("field", p.field());
            m.put("message", p.message());
            out.add(m);
        }
        return out;
    }
}
