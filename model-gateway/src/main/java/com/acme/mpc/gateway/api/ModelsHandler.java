package com.acme.mpc.gateway.api;

import com.acme.mpc.gateway.config.ConfigHolder;
import com.acme.mpc.gateway.config.Deployment;
import com.acme.mpc.gateway.config.GatewayConfig;
import com.acme.mpc.gateway.config.ModelInfo;
import com.acme.mpc.gateway.core.Json;
import com.acme.mpc.gateway.keys.KeyInfo;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** {@code GET /models} (OpenAI list of model groups) and {@code GET /model/info} (LiteLLM's deployment details). */
@ApplicationScoped
public class ModelsHandler {
    private final ConfigHolder holder;
    private final long created = System.currentTimeMillis() / 1000;
    /** The unfiltered /models answer of one config snapshot: rebuilt only when stored models change it. */
    private volatile Listing listing;

    private record Listing(GatewayConfig config, Buffer body) {}

    public ModelsHandler(ConfigHolder holder) {
        this.holder = holder;
    }

    private Buffer modelsBody() {
        GatewayConfig config = holder.config();
        Listing l = listing;
        if (l == null || l.config() != config) {
            l = new Listing(config, Json.toBuffer(models(config)));
            listing = l;
        }
        return l.body();
    }

    public void models(RoutingContext ctx) {
        Caller caller = ctx.get(Caller.CONTEXT_KEY);
        if (caller != null && caller.key() != null && restricted(caller.key())) {
            // a virtual key limited to some model groups (by itself or its team) sees only those
            GatewayConfig config = holder.config();
            ObjectNode root = models(config);
            ArrayNode data = (ArrayNode) root.get("data");
            for (int i = data.size() - 1; i >= 0; i--) {
                String id = data.get(i).path("id").asText();
                if (!may(caller.key(), config, id)) {
                    data.remove(i);
                }
            }
            ctx.response().putHeader("content-type", "application/json").end(Json.toBuffer(root));
            return;
        }
        ctx.response().putHeader("content-type", "application/json").end(modelsBody());
    }

    private static boolean restricted(KeyInfo key) {
        return !key.models().isEmpty()
                || key.team() != null && !key.team().models().isEmpty();
    }

    /** Whether the key may call the group: its own models and its team's (names, wildcards, access groups). */
    private static boolean may(KeyInfo key, GatewayConfig config, String group) {
        boolean byKey = key.allows(group) || config.names().keyAllows(key.models(), group);
        KeyInfo.Team team = key.team();
        return byKey
                && (team == null || team.models().isEmpty() || config.names().keyAllows(team.models(), group));
    }

    /**
     * OpenAI's {@code GET /v1/models/{id}}: the entry of {@code /v1/models} with that id (a model group or alias the
     * caller may use), else 404 in OpenAI's shape ({@code model_not_found}), as OpenAI answers an unknown model.
     */
    public void model(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        Caller caller = ctx.get(Caller.CONTEXT_KEY);
        GatewayConfig config = holder.config();
        // a key limited to some groups (by itself or its team) cannot see the others, as in /v1/models
        boolean allowed =
                caller == null || caller.key() == null || !restricted(caller.key()) || may(caller.key(), config, id);
        if (allowed && id != null && config.groups().containsKey(id)) {
            ObjectNode model = JsonNodeFactory.instance
                    .objectNode()
                    .put("id", id)
                    .put("object", "model")
                    .put("created", created)
                    .put("owned_by", "openai");
            ctx.response().putHeader("content-type", "application/json").end(Json.toBuffer(model));
            return;
        }
        ApiErrors.write(
                ctx.response(),
                new com.acme.mpc.gateway.core.GatewayException(
                        404,
                        "invalid_request_error",
                        "The model '" + id + "' does not exist or you do not have access to it.",
                        "model",
                        "model_not_found",
                        false));
    }

    public void modelInfo(RoutingContext ctx) {
        String onlyId = ctx.request().getParam("litellm_model_id");
        deployments(ctx, d -> onlyId == null || onlyId.equals(d.id()));
    }

    private void deployments(RoutingContext ctx, java.util.function.Predicate<Deployment> which) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        ArrayNode data = root.putArray("data");
        GatewayConfig config = holder.config();
        for (Deployment d : config.deployments()) {
            if (which.test(d)) {
                data.add(info(d, config.storedIds().contains(d.id())));
            }
        }
        ctx.response().putHeader("content-type", "application/json").end(Json.toBuffer(root));
    }

    /** LiteLLM's {@code /v2/model/info}: {@code /model/info}, optionally for one model group ({@code model}). */
    public void modelInfoV2(RoutingContext ctx) {
        String onlyGroup = ctx.request().getParam("model");
        deployments(ctx, d -> onlyGroup == null || onlyGroup.equals(d.modelName()));
    }

    /**
     * LiteLLM's {@code /model_group/info}: one entry per model group the caller may use (a virtual key limited to some
     * groups sees those), optionally one group ({@code model_group}): its providers, the largest context and output
     * of its deployments, the first deployment's prices and mode, the sum of its deployments' rpm/tpm limits, and
     * the {@code supports_*} flags any deployment's model_info declares.
     */
    public void modelGroupInfo(RoutingContext ctx) {
        Caller caller = ctx.get(Caller.CONTEXT_KEY);
        String onlyGroup = ctx.request().getParam("model_group");
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        ArrayNode data = root.putArray("data");
        holder.config().groups().forEach((group, deployments) -> {
            if (onlyGroup != null && !onlyGroup.equals(group)) {
                return;
            }
            if (caller != null && caller.key() != null && !may(caller.key(), holder.config(), group)) {
                return;
            }
            data.add(groupInfo(group, deployments));
        });
        ctx.response().putHeader("content-type", "application/json").end(Json.toBuffer(root));
    }

    /** The OpenAI parameters a chat group takes (LiteLLM's supported_openai_params of an OpenAI-style model). */
    private static final List<String> CHAT_PARAMS = List.of(
            "frequency_penalty",
            "logit_bias",
            "logprobs",
            "top_logprobs",
            "max_tokens",
            "max_completion_tokens",
            "n",
            "presence_penalty",
            "response_format",
            "seed",
            "stop",
            "stream",
            "stream_options",
            "temperature",
            "top_p",
            "tools",
            "tool_choice",
            "parallel_tool_calls",
            "user");

    private static ObjectNode groupInfo(String group, List<Deployment> deployments) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("model_group", group);
        ArrayNode providers = o.putArray("providers");
        Set<String> seen = new LinkedHashSet<>();
        Integer maxIn = null;
        Integer maxOut = null;
        Integer rpm = 0;
        Integer tpm = 0;
        boolean anyRpm = false;
        boolean anyTpm = false;
        Set<String> supports = new TreeSet<>();
        for (Deployment d : deployments) {
            if (seen.add(d.providerName())) {
                providers.add(d.providerName());
            }
            ModelInfo mi = d.modelInfo();
            maxIn = max(maxIn, mi.maxInputTokens());
            maxOut = max(maxOut, mi.maxOutputTokens());
            if (d.rpm() != null) {
                rpm += d.rpm();
                anyRpm = true;
            }
            if (d.tpm() != null) {
                tpm += d.tpm();
                anyTpm = true;
            }
            if (mi.raw() != null) {
                mi.raw().fields().forEachRemaining(e -> {
                    if (e.getKey().startsWith("supports_") && e.getValue().asBoolean(false)) {
                        supports.add(e.getKey());
                    }
                });
            }
        }
        Deployment first = deployments.get(0);
        putInt(o, "max_input_tokens", maxIn);
        putInt(o, "max_output_tokens", maxOut);
        putDecimal(o, "input_cost_per_token", first.modelInfo().inputCostPerToken());
        putDecimal(o, "output_cost_per_token", first.modelInfo().outputCostPerToken());
        o.put("mode", first.mode());
        putInt(o, "tpm", anyTpm ? tpm : null);
        putInt(o, "rpm", anyRpm ? rpm : null);
        for (String flag :
                List.of("supports_function_calling", "supports_parallel_function_calling", "supports_vision")) {
            o.put(flag, supports.contains(flag));
        }
        supports.forEach(flag -> o.put(flag, true));
        ArrayNode params = o.putArray("supported_openai_params");
        if ("chat".equals(first.mode())) {
            CHAT_PARAMS.forEach(params::add);
        }
        o.putNull("configurable_clientside_auth_params");
        return o;
    }

    private static Integer max(Integer a, Integer b) {
        if (a == null || b == null) {
            return a == null ? b : a;
        }
        return Integer.valueOf(Math.max(a, b));
    }

    private static void putInt(ObjectNode o, String field, Integer v) {
        if (v == null) {
            o.putNull(field);
        } else {
            o.put(field, v);
        }
    }

    private static void putDecimal(ObjectNode o, String field, java.math.BigDecimal v) {
        if (v == null) {
            o.putNull(field);
        } else {
            o.put(field, v);
        }
    }

    private ObjectNode models(GatewayConfig config) {
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

    /**
     * Never includes the api_key. {@code db_model} (LiteLLM's flag) says the deployment was added through
     * {@code /model/new} and can be updated or deleted there; config-file deployments cannot.
     */
    private static ObjectNode info(Deployment d, boolean stored) {
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
        info.put("db_model", stored);
        // this gateway's own fields: an entry it cannot serve is listed with the reason instead of being dropped
        info.put("available", d.available());
        if (!d.available()) {
            info.put("unavailable_reason", d.unavailable().reason());
        }
        o.set("model_info", info);
        return o;
    }
}
