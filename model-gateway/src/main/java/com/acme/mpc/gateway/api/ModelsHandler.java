package com.acme.mpc.gateway.api;

import com.acme.mpc.gateway.config.ConfigHolder;
import com.acme.mpc.gateway.config.Deployment;
import com.acme.mpc.gateway.config.GatewayConfig;
import com.acme.mpc.gateway.core.Json;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;

/** {@code GET /models} (OpenAI list of model groups) and {@code GET /model/info} (LiteLLM's deployment details). */
@ApplicationScoped
public class ModelsHandler {
    private final GatewayConfig config;
    private final long created = System.currentTimeMillis() / 1000;
    private final Buffer modelsBody;

    public ModelsHandler(ConfigHolder holder) {
        this.config = holder.config();
        this.modelsBody = Json.toBuffer(models());
    }

    public void models(RoutingContext ctx) {
        Caller caller = ctx.get(Caller.CONTEXT_KEY);
        if (caller != null && caller.key() != null && !caller.key().models().isEmpty()) {
            // a virtual key limited to some model groups sees only those
            ObjectNode root = models();
            ArrayNode data = (ArrayNode) root.get("data");
            for (int i = data.size() - 1; i >= 0; i--) {
                String id = data.get(i).path("id").asText();
                if (!caller.key().allows(id)
                        && !config.names().keyAllows(caller.key().models(), id)) {
                    data.remove(i);
                }
            }
            ctx.response().putHeader("content-type", "application/json").end(Json.toBuffer(root));
            return;
        }
        ctx.response().putHeader("content-type", "application/json").end(modelsBody);
    }

    public void modelInfo(RoutingContext ctx) {
        String onlyId = ctx.request().getParam("litellm_model_id");
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        ArrayNode data = root.putArray("data");
        for (Deployment d : config.deployments()) {
            if (onlyId == null || onlyId.equals(d.id())) {
                data.add(info(d));
            }
        }
        ctx.response().putHeader("content-type", "application/json").end(Json.toBuffer(root));
    }

    private ObjectNode models() {
        ObjectNode root = JsonNodeFactory.instance.objectNode().put("object", "list");
        ArrayNode data = root.putArray("data");
        for (String group : config.groups().keySet()) {
            data.addObject()
                    .put("id", group)
                    .put("object", "model")
                    .put("created", created)
                    .put("owned_by", "openai");
        }
        return root;
    }

    /** Never includes the api_key. */
    private static ObjectNode info(Deployment d) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("model_name", d.modelName());
        ObjectNode params = o.putObject("litellm_params");
        params.put("model", d.litellmModel());
        if (d.apiBase() != null) {
            params.put("api_base", d.apiBase().toString());
        }
        if (d.apiVersion() != null) {
            params.put("api_version", d.apiVersion());
        }
        if (d.rpm() != null) {
            params.put("rpm", d.rpm());
        }
        if (d.tpm() != null) {
            params.put("tpm", d.tpm());
        }
        if (d.isMock()) {
            params.put("mock_response", true);
        }
        ObjectNode info = d.modelInfo().raw().deepCopy();
        info.put("id", d.id());
        info.put("mode", d.mode());
        info.put("litellm_provider", d.providerName());
        // this gateway's own fields: an entry it cannot serve is listed with the reason instead of being dropped
        info.put("available", d.available());
        if (!d.available()) {
            info.put("unavailable_reason", d.unavailable().reason());
        }
        o.set("model_info", info);
        return o;
    }
}
