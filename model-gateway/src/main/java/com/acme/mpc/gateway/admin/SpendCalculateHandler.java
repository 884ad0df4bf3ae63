package com.acme.mpc.gateway.admin;

import com.acme.mpc.gateway.api.ApiErrors;
import com.acme.mpc.gateway.api.Authenticator;
import com.acme.mpc.gateway.config.ConfigHolder;
import com.acme.mpc.gateway.config.Deployment;
import com.acme.mpc.gateway.config.GatewayConfig;
import com.acme.mpc.gateway.core.GatewayException;
import com.acme.mpc.gateway.core.Json;
import com.acme.mpc.gateway.core.Usage;
import com.acme.mpc.gateway.tokens.PromptTokenCounter;
import com.acme.mpc.gateway.tokens.TokenizerFamily;
import com.acme.mpc.gateway.usage.CostCalculator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.List;

/**
 * LiteLLM's {@code POST /spend/calculate} (any valid key), priced here from the deployments' {@code model_info} prices,
 * the same prices the gateway puts on usage records: {@code {model, messages}} prices the prompt (its tokens counted
 * as admission counts them, no completion), {@code {completion_response}} prices an OpenAI chat completion's
 * {@code usage} for its {@code model}. Answers {@code {"cost": <USD>}}.
 */
@ApplicationScoped
public class SpendCalculateHandler {
    private final ConfigHolder holder;
    private final Authenticator authenticator;
    private final PromptTokenCounter tokens;

    public SpendCalculateHandler(ConfigHolder holder, Authenticator authenticator, PromptTokenCounter tokens) {
        this.holder = holder;
        this.authenticator = authenticator;
        this.tokens = tokens;
    }

    void handle(RoutingContext ctx) {
        authenticator
                .authenticateAsync(ctx.request())
                .subscribe()
                .with(
                        caller -> {
                            try {
                                BigDecimal cost = cost(
                                        ctx.body() == null ? null : ctx.body().buffer());
                                ObjectNode out = JsonNodeFactory.instance.objectNode();
                                out.put("cost", cost);
                                ctx.response()
                                        .putHeader("content-type", "application/json")
                                        .end(Json.toBuffer(out));
                            } catch (GatewayException e) {
                                ApiErrors.write(ctx.response(), e);
                            }
                        },
                        e -> ApiErrors.write(
                                ctx.response(),
                                e instanceof GatewayException g
                                        ? g
                                        : new GatewayException(
                                                500, "api_error", "internal gateway error", null, null, false)));
    }

    BigDecimal cost(Buffer raw) {
        JsonNode body;
        try {
            body = raw == null || raw.length() == 0 ? null : Json.MAPPER.readTree(raw.getBytes());
        } catch (IOException e) {
            throw GatewayException.badRequest("Body is not valid JSON", null);
        }
        if (body == null || !body.isObject()) {
            throw GatewayException.badRequest(
                    "Body must be a JSON object: {model, messages} or {completion_response}", null);
        }
        GatewayConfig config = holder.config();
        JsonNode model = body.get("model");
        if (model != null && !model.isNull()) {
            if (!model.isTextual()) {
                throw GatewayException.badRequest("model must be a string", "model");
            }
            JsonNode messages = body.get("messages");
            if (messages == null || !messages.isArray()) {
                throw GatewayException.badRequest("Please provide messages (a list) with model", "messages");
            }
            Deployment d = priced(config, model.textValue(), "model");
            ObjectNode prompt = JsonNodeFactory.instance.objectNode();
            prompt.set("messages", messages);
            long promptTokens = tokens.count(prompt, raw.length(), TokenizerFamily.of(d.provider(), d.upstreamModel()));
            return CostCalculator.cost(d.modelInfo(), new Usage(promptTokens, 0, 0, 0, 0));
        }
        JsonNode response = body.get("completion_response");
        if (response == null || response.isNull()) {
            throw GatewayException.badRequest("Please provide either a model or a completion_response", "model");
        }
        if (!response.isObject() || !response.path("model").isTextual()) {
            throw GatewayException.badRequest(
                    "completion_response must be a chat completion with model and usage", "completion_response");
        }
        JsonNode usage = response.get("usage");
        if (usage == null || !usage.isObject()) {
            throw GatewayException.badRequest("completion_response.usage is required", "completion_response.usage");
        }
        for (String f : List.of("prompt_tokens", "completion_tokens")) {
            JsonNode v = usage.get(f);
            if (v != null && !v.isNull() && (!v.canConvertToLong() || !v.isIntegralNumber() || v.asLong() < 0)) {
                throw GatewayException.badRequest(
                        "completion_response.usage." + f + " must be a whole number >= 0",
                        "completion_response.usage." + f);
            }
        }
        Usage parsed = Usage.fromOpenAi(usage);
        Usage checked = new Usage(
                parsed.promptTokens(),
                parsed.completionTokens(),
                clamp(parsed.cachedReadTokens(), parsed.promptTokens()),
                clamp(parsed.cacheCreationTokens(), parsed.promptTokens()),
                Math.max(0, parsed.reasoningTokens()));
        Deployment d = priced(config, response.get("model").textValue(), "completion_response.model");
        return CostCalculator.cost(d.modelInfo(), checked);
    }

    private static long clamp(long v, long max) {
        return Math.max(0, Math.min(v, max));
    }

    /**
     * The deployment whose prices apply: the first of the model group (name, alias, id or wildcard), else the first
     * whose upstream model the name is (a response names the provider's model, e.g. gpt-4o-mini-2024-07-18).
     */
    private static Deployment priced(GatewayConfig config, String name, String param) {
        List<Deployment> group = config.group(name);
        Deployment d = group == null || group.isEmpty() ? null : group.get(0);
        if (d == null) {
            for (Deployment c : config.deployments()) {
                if (c.upstreamModel() != null
                        && (name.equals(c.upstreamModel()) || name.startsWith(c.upstreamModel() + "-"))) {
                    d = c;
                    break;
                }
            }
        }
        if (d == null) {
            throw GatewayException.notFound("model '" + name + "' not found", param, "model_not_found");
        }
        if (d.modelInfo().inputCostPerToken() == null && d.modelInfo().outputCostPerToken() == null) {
            throw GatewayException.badRequest(
                    "model '" + name + "' has no prices: set model_info.input_cost_per_token and"
                            + " output_cost_per_token of its deployment",
                    param);
        }
        return d;
    }
}
