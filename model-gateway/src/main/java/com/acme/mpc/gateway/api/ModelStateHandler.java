package com.acme.mpc.gateway.api;

import com.acme.mpc.gateway.config.ConfigHolder;
import com.acme.mpc.gateway.config.Deployment;
import com.acme.mpc.gateway.core.GatewayException;
import com.acme.mpc.gateway.core.Json;
import com.acme.mpc.gateway.routing.DeploymentState;
import com.acme.mpc.gateway.routing.Router;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;

/**
 * {@code GET /model/state} (master key): what this replica's router knows about each deployment right now, without
 * calling any provider (unlike {@code /health}): cooling down or not and until when, failures and requests this minute,
 * in-flight calls, latency average. The admin UI's Models page shows it beside {@code /model/info}.
 */
@ApplicationScoped
public class ModelStateHandler {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private final ConfigHolder holder;
    private final Router router;
    private final Authenticator authenticator;

    public ModelStateHandler(ConfigHolder holder, Router router, Authenticator authenticator) {
        this.holder = holder;
        this.router = router;
        this.authenticator = authenticator;
    }

    public void state(RoutingContext ctx) {
        try {
            // master key only: virtual keys have no business reading the fleet's state
            authenticator.authenticate(ctx.request());
        } catch (GatewayException e) {
            ApiErrors.write(ctx.response(), e);
            return;
        }
        long now = System.currentTimeMillis();
        ObjectNode root = F.objectNode();
        root.put("time", Instant.ofEpochMilli(now).toString());
        ArrayNode data = root.putArray("data");
        for (Deployment d : holder.config().deployments()) {
            DeploymentState s = router.state(d.id());
            if (s != null) {
                data.add(describe(d, s, now));
            }
        }
        ctx.response().putHeader("content-type", "application/json").end(Json.toBuffer(root));
    }

    static ObjectNode describe(Deployment d, DeploymentState s, long now) {
        ObjectNode o = F.objectNode();
        o.put("model_id", d.id());
        o.put("model_name", d.modelName());
        long failures = s.failuresThisMinute(now);
        boolean cooling = s.coolingDown(now);
        o.put("state", cooling ? "cooling_down" : failures > 0 ? "failing" : "healthy");
        if (cooling) {
            o.put(
                    "cooldown_until",
                    Instant.ofEpochMilli(s.cooldownUntilMillis()).toString());
        } else {
            o.putNull("cooldown_until");
        }
        o.put("failures_this_minute", failures);
        if (s.lastFailureMillis() > 0) {
            o.put("last_failure", Instant.ofEpochMilli(s.lastFailureMillis()).toString());
        } else {
            o.putNull("last_failure");
        }
        o.put("requests_this_minute", s.requestsThisMinute(now));
        o.put("tokens_this_minute", s.tokensThisMinute(now));
        o.put("in_flight", s.inFlight());
        double latency = s.latencyMs();
        if (latency >= 0) {
            o.put("latency_ms", Math.round(latency * 10) / 10.0);
        } else {
            o.putNull("latency_ms");
        }
        return o;
    }
}
