package com.acme.mpc.gateway.admin;

import com.acme.mpc.gateway.api.ApiErrors;
import com.acme.mpc.gateway.api.Authenticator;
import com.acme.mpc.gateway.config.ConfigException;
import com.acme.mpc.gateway.config.ConfigHolder;
import com.acme.mpc.gateway.config.ConfigLoader;
import com.acme.mpc.gateway.config.GatewaySettings;
import com.acme.mpc.gateway.core.GatewayException;
import com.acme.mpc.gateway.core.Json;
import com.acme.mpc.gateway.models.StoredModels;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Iterator;
import java.util.Map;
import java.util.UUID;

/**
 * LiteLLM's {@code /model/new}, {@code /model/update} and {@code /model/delete} (master key): the deployment is checked
 * here by the config file's rules (so a stored model the gateway cannot serve is refused with 400 naming the field),
 * then stored by cost-tracker, and served by this replica before the answer (the others within their refresh
 * interval, {@link StoredModels}). Config-file deployments cannot be changed or deleted this way (400, as LiteLLM).
 */
@ApplicationScoped
public class StoredModelRoutes {
    private final StoredModels stored;
    private final String masterKey;
    private final long maxBodySize;

    public StoredModelRoutes(StoredModels stored, ConfigHolder holder, GatewaySettings settings) {
        this.stored = stored;
        this.masterKey = holder.config().masterKey();
        this.maxBodySize = settings.maxBodySize();
    }

    void register(@Observes Router router) {
        BodyHandler body = BodyHandler.create(false).setBodyLimit(maxBodySize).setHandleFileUploads(false);
        route(router, "/model/new", body, this::create);
        route(router, "/model/update", body, this::update);
        route(router, "/model/delete", body, this::delete);
    }

    private void route(Router router, String path, BodyHandler body, io.vertx.core.Handler<RoutingContext> handler) {
        router.post(path).handler(body).handler(ctx -> guarded(ctx, handler)).failureHandler(AdminRelay::failure);
        router.route(path).handler(ctx -> {
            ctx.response().putHeader("allow", "POST");
            ApiErrors.write(
                    ctx.response(),
                    new GatewayException(
                            405,
                            "invalid_request_error",
                            ctx.request().method() + " is not allowed on " + path + "; use POST",
                            null,
                            "method_not_allowed",
                            false));
        });
    }

    private void guarded(RoutingContext ctx, io.vertx.core.Handler<RoutingContext> handler) {
        try {
            checkMaster(ctx);
            if (!stored.enabled()) {
                throw new GatewayException(
                        503,
                        "api_error",
                        "stored models need cost-tracker: set COST_TRACKER_URL (gateway.cost-tracker.url)",
                        null,
                        "cost_tracker_not_configured",
                        false);
            }
            handler.handle(ctx);
        } catch (GatewayException e) {
            ApiErrors.write(ctx.response(), e);
        }
    }

    private void checkMaster(RoutingContext ctx) {
        if (masterKey == null) {
            return;
        }
        String presented = Authenticator.presentedKey(ctx.request());
        if (presented == null) {
            throw GatewayException.unauthorized("missing API key: admin routes need the master key as "
                    + "'Authorization: Bearer <key>', 'x-api-key', 'api-key' or 'x-litellm-api-key'");
        }
        if (!MessageDigest.isEqual(
                masterKey.getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8))) {
            throw GatewayException.unauthorized(
                    "admin routes need the master key; " + ctx.normalizedPath() + " was called with another key");
        }
    }

    private void create(RoutingContext ctx) {
        ObjectNode body = object(ctx);
        JsonNode info = body.get("model_info");
        if (info != null && !info.isNull() && !info.isObject()) {
            throw GatewayException.badRequest("model_info must be an object", "model_info");
        }
        ObjectNode modelInfo = info == null || info.isNull() ? body.putObject("model_info") : (ObjectNode) info;
        if (!modelInfo.hasNonNull("id")) {
            modelInfo.put("id", UUID.randomUUID().toString());
        }
        String id = modelInfo.get("id").asText();
        if (stored.inConfigFile(id)) {
            throw GatewayException.badRequest(
                    "model_info.id '" + id + "' is a deployment of the config file; choose another id",
                    "model_info.id");
        }
        check(body);
        relay(ctx, "/model/new", body);
    }

    private void update(RoutingContext ctx) {
        ObjectNode body = object(ctx);
        String id = body.path("model_info").path("id").asText(null);
        if (id == null) {
            throw GatewayException.badRequest(
                    "model_info.id is required (the stored model to update)", "model_info.id");
        }
        if (stored.inConfigFile(id)) {
            throw inConfig(id, "edited");
        }
        ObjectNode current = stored.entry(id);
        if (current != null) {
            check(merged(current, body));
        }
        // not known here yet (stored a moment ago through another replica): cost-tracker answers, the next
        // refresh checks it
        relay(ctx, "/model/update", body);
    }

    private void delete(RoutingContext ctx) {
        ObjectNode body = object(ctx);
        JsonNode id = body.get("id");
        if (id == null || !id.isTextual() || id.textValue().isBlank()) {
            throw GatewayException.badRequest("id is required (model_info.id of the stored model)", "id");
        }
        if (stored.inConfigFile(id.textValue())) {
            throw inConfig(id.textValue(), "deleted");
        }
        relay(ctx, "/model/delete", body);
    }

    private static GatewayException inConfig(String id, String what) {
        return GatewayException.badRequest(
                "model '" + id + "' is in the config file and can't be " + what + " through the API; change"
                        + " config.yaml, or store a model with /model/new to manage it here",
                "id");
    }

    /** The deployment must be one the config file could hold (provider, api_base, numbers, prices). */
    private static void check(ObjectNode entry) {
        try {
            ConfigLoader.withSystemEnvironment(false).readDeployment(entry, -1);
        } catch (ConfigException e) {
            String first = e.problems().isEmpty() ? "" : e.problems().get(0);
            int colon = first.indexOf(':');
            throw GatewayException.badRequest(
                    "invalid deployment: " + String.join("; ", e.problems()),
                    colon > 0 ? first.substring(0, colon) : null);
        }
    }

    /** The stored entry after an update, merged as cost-tracker merges it. */
    static ObjectNode merged(ObjectNode current, ObjectNode update) {
        ObjectNode out = current.deepCopy();
        if (update.hasNonNull("model_name")) {
            out.set("model_name", update.get("model_name"));
        }
        for (String section : new String[] {"litellm_params", "model_info"}) {
            JsonNode changes = update.get(section);
            if (changes == null || !changes.isObject()) {
                continue;
            }
            ObjectNode target = out.with(section);
            for (Iterator<Map.Entry<String, JsonNode>> it = changes.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getValue().isNull()) {
                    target.remove(e.getKey());
                } else if (!(e.getValue().isTextual()
                        && e.getValue().textValue().startsWith("****"))) {
                    // a credential sent back masked keeps the stored one
                    target.set(e.getKey(), e.getValue());
                }
            }
        }
        return out;
    }

    private static ObjectNode object(RoutingContext ctx) {
        Buffer raw = ctx.body() == null ? null : ctx.body().buffer();
        JsonNode node = null;
        try {
            node = raw == null || raw.length() == 0 ? null : Json.MAPPER.readTree(raw.getBytes());
        } catch (IOException e) {
            throw GatewayException.badRequest("Body is not valid JSON", null);
        }
        if (node == null || !node.isObject()) {
            throw GatewayException.badRequest(
                    "Body must be a JSON object: {model_name, litellm_params: {model, ...}, model_info: {...}}", null);
        }
        return (ObjectNode) node;
    }

    /** Sends the change to cost-tracker; once it is stored, this replica serves it before answering. */
    private void relay(RoutingContext ctx, String path, ObjectNode body) {
        stored.send(HttpMethod.POST, path, Json.toBuffer(body))
                .compose(answer -> answer.status() == 200
                        ? stored.refresh().map(v -> answer)
                        : io.vertx.core.Future.succeededFuture(answer))
                .onSuccess(answer -> {
                    if (ctx.response().ended()) {
                        return;
                    }
                    ctx.response().setStatusCode(answer.status());
                    if (answer.headers().get("content-type") != null) {
                        ctx.response()
                                .putHeader("content-type", answer.headers().get("content-type"));
                    }
                    ctx.response().end(answer.body());
                })
                .onFailure(t -> ApiErrors.write(
                        ctx.response(),
                        new GatewayException(
                                503,
                                "api_error",
                                "cost-tracker unreachable for " + path + " ("
                                        + t.getClass().getSimpleName() + "); try again shortly",
                                null,
                                "cost_tracker_unavailable",
                                true,
                                1000)));
    }
}
