package com.acme.mpc.gateway.health;

import com.acme.mpc.gateway.cache.RedisLinks;
import com.acme.mpc.gateway.cache.ResponseCache;
import com.acme.mpc.gateway.config.ConfigHolder;
import com.acme.mpc.gateway.config.Deployment;
import com.acme.mpc.gateway.config.GatewaySettings;
import com.acme.mpc.gateway.config.ModelModes;
import com.acme.mpc.gateway.core.CallType;
import com.acme.mpc.gateway.core.GatewayException;
import com.acme.mpc.gateway.core.Json;
import com.acme.mpc.gateway.provider.ProviderAdapter;
import com.acme.mpc.gateway.provider.ProviderRegistry;
import com.acme.mpc.gateway.provider.UpstreamCall;
import com.acme.mpc.gateway.usage.UsageDelivery;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;

/**
 * LiteLLM's health endpoints. Liveness depends on nothing outside the process, so a provider outage never restarts
 * the gateway; {@code GET /health} really calls every deployment (as LiteLLM does) and reports which answer.
 */
@ApplicationScoped
public class HealthHandler {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final Buffer ALIVE = Json.toBuffer(TextNode.valueOf("I'm alive!"));

    private final ConfigHolder holder;
    private final ProviderRegistry providers;
    private final GatewaySettings settings;

    @Inject
    UsageDelivery usageDelivery;

    private final ResponseCache cache;
    private final RedisLinks redis;

    public HealthHandler(
            ConfigHolder holder,
            ProviderRegistry providers,
            GatewaySettings settings,
            ResponseCache cache,
            RedisLinks redis) {
        this.holder = holder;
        this.providers = providers;
        this.settings = settings;
        this.cache = cache;
        this.redis = redis;
    }

    public void liveliness(RoutingContext ctx) {
        ctx.response().putHeader("content-type", "application/json").end(ALIVE);
    }

    public void readiness(RoutingContext ctx) {
        ObjectNode body = F.objectNode();
        body.put("status", "healthy");
        body.put("config_loaded", true);
        body.put(
                "config_file",
                holder.config().source() == null
                        ? null
                        : String.valueOf(holder.config().source().getFileName()));
        body.put("model_groups", holder.config().groups().size());
        body.put("deployments", holder.config().deployments().size());
        body.put("db", "Not connected");
        // Redis is an optimisation (cache, shared limits): its outage is reported here but does not make the gateway
        // unready, since every request is still served from in-process state
        if (cache.enabled()) {
            body.put("cache", cache.describe());
        } else {
            body.putNull("cache");
        }
        if (!redis.all().isEmpty()) {
            ObjectNode links = body.putObject("redis");
            redis.all().forEach(l -> links.put(l.name(), l.up() ? "connected" : "unavailable"));
        }
        // usage spool (usage/keys engineer): backlog reported; unready only when the spool is full
        int status = usageDelivery.readiness(body) ? 200 : 503;
        ctx.response()
                .setStatusCode(status)
                .putHeader("content-type", "application/json")
                .end(Json.toBuffer(body));
    }

    /** Calls every deployment with a one-token request; healthy when it answers at all. */
    public void deep(RoutingContext ctx) {
        List<Uni<ObjectNode>> checks = new ArrayList<>();
        for (Deployment d : holder.config().deployments()) {
            if (!d.isWildcard() && !ModelModes.isMedia(d.mode())) {
                // a wildcard deployment has no model of its own to call; a media deployment (images, audio, rerank)
                // has no one-token call: generating an image or speech to check it would be billed
                checks.add(check(d));
            }
        }
        if (checks.isEmpty()) {
            write(ctx, List.of());
            return;
        }
        Uni.join()
                .all(checks)
                .andFailFast()
                .subscribe()
                .with(results -> write(ctx, results), t -> write(ctx, List.of()));
    }

    private Uni<ObjectNode> check(Deployment d) {
        if (!d.available()) {
            return Uni.createFrom()
                    .item(endpoint(d, "unavailable: " + d.unavailable().reason()));
        }
        ProviderAdapter adapter = providers.adapterFor(d);
        CallType type = "embedding".equals(d.mode()) ? CallType.EMBEDDING : CallType.CHAT_COMPLETION;
        ObjectNode body = F.objectNode().put("model", d.upstreamModel());
        if (type == CallType.EMBEDDING) {
            body.put("input", "ping");
        } else {
            body.putArray("messages").addObject().put("role", "user").put("content", "ping");
            body.put("max_tokens", 1);
        }
        UpstreamCall call = new UpstreamCall(
                d, type, body, "health-check", settings.healthCheckTimeout(), settings.healthCheckTimeout());
        Uni<ObjectNode> result = type == CallType.EMBEDDING ? adapter.embeddings(call) : adapter.chat(call);
        return result.map(r -> endpoint(d, null))
                .onFailure()
                .recoverWithItem(t -> endpoint(
                        d, t instanceof GatewayException g ? g.status() + " " + g.getMessage() : "check failed"));
    }

    private static ObjectNode endpoint(Deployment d, String error) {
        ObjectNode o = F.objectNode();
        o.put("model", d.litellmModel());
        o.put("model_name", d.modelName());
        o.put("model_id", d.id());
        if (d.apiBase() != null) {
            o.put("api_base", d.apiBase().toString());
        }
        if (error != null) {
            o.put("error", error);
        }
        return o;
    }

    private static void write(RoutingContext ctx, List<ObjectNode> results) {
        ObjectNode body = F.objectNode();
        ArrayNode healthy = body.putArray("healthy_endpoints");
        ArrayNode unhealthy = body.putArray("unhealthy_endpoints");
        for (ObjectNode r : results) {
            (r.has("error") ? unhealthy : healthy).add(r);
        }
        body.put("healthy_count", healthy.size());
        body.put("unhealthy_count", unhealthy.size());
        ctx.response().putHeader("content-type", "application/json").end(Json.toBuffer(body));
    }
}
