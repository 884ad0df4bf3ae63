package com.acme.mpc.gateway.keys;

import com.acme.mpc.gateway.client.CostTrackerCalls;
import com.acme.mpc.gateway.config.ConfigHolder;
import com.acme.mpc.gateway.core.GatewayException;
import com.acme.mpc.gateway.core.Json;
import com.acme.mpc.gateway.usage.CostTrackerSettings;
import com.acme.mpc.gateway.usage.UsageFields;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.util.Optional;

/**
 * Non-blocking calls to cost-tracker's key endpoints (docs/contracts.md), authenticated with the master key: the key
 * lookup and the budget reservation. Runs on the Vert.x event loop.
 */
@ApplicationScoped
public class CostTrackerKeysClient {
    /**
     * What cost-tracker answered to a reservation: granted; or refused because the budget is used up; or refused
     * because calls in flight hold the rest ({@code inFlight}, retry after {@code retryAfterSeconds}).
     */
    public record Reservation(boolean granted, boolean inFlight, String message, int retryAfterSeconds) {
        static final Reservation GRANTED = new Reservation(true, false, null, 0);
    }

    private final CostTrackerCalls calls;

    public CostTrackerKeysClient(Vertx vertx, CostTrackerSettings settings, ConfigHolder holder) {
        this.calls = new CostTrackerCalls(
                vertx,
                settings.url().map(u -> u.replaceAll("/+$", "")).orElse(null),
                holder.config().masterKey(),
                settings.requestTimeout().toMillis(),
                64);
    }

    public boolean enabled() {
        return calls.configured();
    }

    @PreDestroy
    void close() {
        calls.close();
    }

    /** The key's record, or empty when cost-tracker does not know the hash (404). Fails when unreachable. */
    public Uni<Optional<KeyInfo>> lookup(String keyHash) {
        return send(HttpMethod.GET, "/internal/keys/" + keyHash, null).map(r -> {
            if (r.status == 404) {
                return Optional.<KeyInfo>empty();
            }
            if (r.status != 200 || r.json == null) {
                throw unavailable("key lookup answered " + r.status);
            }
            return Optional.of(KeyInfo.parse(r.json));
        });
    }

    /**
     * Reserves {@code amount} for the call {@code requestId} on the key, its team and user, and the call's end user
     * ({@code endUser}, may be null); cost-tracker answers which level refused.
     */
    public Uni<Reservation> reserve(String keyHash, String requestId, BigDecimal amount, String endUser) {
        ObjectNode body =
                Json.MAPPER.createObjectNode().put("request_id", requestId).put("amount_usd", amount.toPlainString());
        String normalised = UsageFields.text(endUser, UsageFields.MAX_TEXT);
        if (normalised != null) {
            // the same end user the usage record will name, so that its settlement finds this reservation's level
            body.put("end_user", normalised);
        }
        return send(HttpMethod.POST, "/internal/keys/" + keyHash + "/reservations", Json.toBuffer(body))
                .map(r -> {
                    if (r.status == 200) {
                        return Reservation.GRANTED;
                    }
                    if (r.status == 400 || r.status == 429) {
                        JsonNode error = r.json == null ? null : r.json.path("error");
                        if (error != null
                                && "budget_exceeded".equals(error.path("code").asText())) {
                            return new Reservation(false, false, message(error), 0);
                        }
                        if (error != null
                                && "budget_held_by_calls_in_flight"
                                        .equals(error.path("code").asText())) {
                            return new Reservation(false, true, message(error), retryAfter(r.retryAfter));
                        }
                    }
                    if (r.status == 404) {
                        throw GatewayException.unauthorized("invalid API key");
                    }
                    String code = r.json == null
                            ? ""
                            : r.json.path("error").path("code").asText("");
                    if (r.status == 401 && code.endsWith("_blocked")) {
                        // the key's team or user, or the call's end user, is blocked
                        throw new GatewayException(401, "auth_error", message(r.json.path("error")), null, code, false);
                    }
                    throw unavailable("budget reservation answered " + r.status);
                });
    }

    private static String message(JsonNode error) {
        return error.path("message").asText("Budget has been exceeded");
    }

    private static int retryAfter(String header) {
        try {
            return header == null ? 1 : Math.max(1, Math.min(60, Integer.parseInt(header.trim())));
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    private record Answer(int status, JsonNode json, String retryAfter) {}

    private Uni<Answer> send(HttpMethod method, String path, Buffer body) {
        if (!calls.configured()) {
            return Uni.createFrom().failure(unavailable("cost-tracker is not configured"));
        }
        return Uni.createFrom()
                .completionStage(() -> calls.send(method, path, body)
                        .map(a -> new Answer(a.status(), a.json(), a.headers().get("retry-after")))
                        .toCompletionStage())
                .onFailure(t -> !(t instanceof GatewayException))
                .transform(t ->
                        unavailable("cost-tracker unreachable (" + t.getClass().getSimpleName() + ")"));
    }

    static GatewayException unavailable(String why) {
        return new GatewayException(
                503,
                "api_error",
                "virtual key check unavailable: " + why + "; try again shortly",
                null,
                "key_service_unavailable",
                true,
                1000);
    }
}
