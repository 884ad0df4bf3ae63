package com.acme.mpc.cost.keys;

import com.acme.mpc.cost.api.ApiException;
import com.acme.mpc.cost.api.Money;
import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;

/** The gateway's view of a key: lookup and budget reservations (docs/contracts.md). */
@Path("/internal/keys/{hash}")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.WILDCARD)
public class InternalKeyResource {
    private final KeyService keys;
    private final Counter granted;
    private final Counter usedUp;
    private final Counter heldInFlight;
    private final Counter blocked;

    /**
     * What a call held back by calls in flight is told to wait: calls usually settle within seconds (the usage event
     * follows the answer by about the gateway's flush interval).
     */
    static final int RETRY_AFTER_SECONDS = 1;

    public InternalKeyResource(KeyService keys, MeterRegistry registry) {
        this.keys = keys;
        this.granted = outcome(registry, "granted");
        this.usedUp = outcome(registry, "budget_exceeded");
        this.heldInFlight = outcome(registry, "held_by_calls_in_flight");
        this.blocked = outcome(registry, "blocked");
    }

    private static Counter outcome(MeterRegistry registry, String outcome) {
        return Counter.builder("cost_tracker_reservations")
                .description("Budget reservations asked for by the gateway before a call, by outcome")
                .tag("outcome", outcome)
                .register(registry);
    }

    private static String hash(String h) {
        if (!KeyHash.isHash(h)) {
            throw ApiException.notFound("key not found");
        }
        return h.toLowerCase();
    }

    @GET
    public Map<String, Object> lookup(@PathParam("hash") String h) {
        Map<String, Object> info = keys.info(hash(h));
        info.remove("token");
        info.remove("key_name");
        info.remove("created_at");
        info.remove("updated_at");
        // the gateway reserves a call of a key without a budget of its own when this is true
        info.put("budgeted_levels", keys.othersBudgeted((String) info.get("team_id"), (String) info.get("user_id")));
        // the team's models and limits, which the gateway applies to every key of the team
        info.put("team", keys.teamAdmission((String) info.get("team_id")));
        return info;
    }

    @POST
    @Path("/reservations")
    public Response reserve(@PathParam("hash") String h, JsonNode body) {
        String hash = hash(h);
        if (body == null || !body.isObject()) {
            throw ApiException.badRequest("Body must be {\"request_id\":\"...\",\"amount_usd\":\"0.002\"}", null);
        }
        JsonNode rid = body.get("request_id");
        if (rid == null
                || !rid.isTextual()
                || rid.textValue().isEmpty()
                || rid.textValue().length() > 128) {
            throw ApiException.badRequest("request_id must be a string of 1..128 characters", "request_id");
        }
        JsonNode a = body.get("amount_usd");
        BigDecimal amount;
        try {
            amount = a == null || a.isNull()
                    ? null
                    : a.isNumber() ? a.decimalValue() : a.isTextual() ? new BigDecimal(a.textValue()) : null;
        } catch (NumberFormatException e) {
            amount = null;
        }
        if (amount == null || amount.signum() < 0 || amount.compareTo(BigDecimal.valueOf(1_000_000)) > 0) {
            throw ApiException.badRequest("amount_usd must be a decimal >= 0", "amount_usd");
        }
        JsonNode eu = body.get("end_user");
        if (eu != null && !eu.isNull() && (!eu.isTextual() || eu.textValue().length() > 512)) {
            throw ApiException.badRequest("end_user must be a string of at most 512 characters", "end_user");
        }
        String endUser = eu == null || eu.isNull() ? null : eu.textValue();
        KeyService.Reservation r = keys.reserve(hash, rid.textValue(), amount, endUser);
        if (!r.reserved()) {
            // "key" is the key itself; the other levels are named with their id
            String who = r.level().equals("key") ? "" : " for " + r.level() + " " + r.levelId();
            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put("level", r.level());
            if (r.levelId() != null) {
                extra.put("level_id", r.levelId());
            }
            if (r.blocked()) {
                blocked.increment();
                throw new ApiException(
                        401,
                        "auth_error",
                        r.level() + " is blocked: " + r.levelId() + " (unblock it with /" + r.level() + "/unblock)",
                        null,
                        r.level() + "_blocked",
                        extra);
            }
            extra.put("spend", Money.str(r.spend()));
            extra.put("reserved", Money.str(r.open()));
            extra.put("max_budget", Money.str(r.max()));
            if (r.spend().add(amount).compareTo(r.max()) > 0) {
                // used up: the call does not fit even if no other call were in flight
                usedUp.increment();
                throw new ApiException(
                        400,
                        "budget_exceeded",
                        "Budget has been exceeded" + who + "! Current cost: " + Money.str(r.spend())
                                + ", Max budget: " + Money.str(r.max()) + ", this call needs up to "
                                + Money.str(amount),
                        null,
                        "budget_exceeded",
                        extra);
            }
            heldInFlight.increment();
            ApiException held = new ApiException(
                    429,
                    "rate_limit_error",
                    "Budget" + who + " held by calls in flight: spend " + Money.str(r.spend()) + " + "
                            + Money.str(r.open()) + " reserved by " + r.openCalls()
                            + " calls in flight + up to " + Money.str(amount) + " for this call exceed the max budget "
                            + Money.str(r.max()) + "; retry when they finish",
                    null,
                    "budget_held_by_calls_in_flight",
                    extra);
            return Response.status(429)
                    .header("Retry-After", RETRY_AFTER_SECONDS)
                    .type(MediaType.APPLICATION_JSON)
                    .entity(held.body())
                    .build();
        }
        granted.increment();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("reserved", true);
        out.put("remaining_usd", Money.str(r.remaining()));
        return Response.ok(out).build();
    }
}
