package com.acme.mpc.gateway.surface.anthropic;

import com.acme.mpc.gateway.api.Authenticator;
import com.acme.mpc.gateway.api.Caller;
import com.acme.mpc.gateway.config.ConfigHolder;
import com.acme.mpc.gateway.config.Deployment;
import com.acme.mpc.gateway.config.GatewaySettings;
import com.acme.mpc.gateway.core.CallType;
import com.acme.mpc.gateway.core.GatewayException;
import com.acme.mpc.gateway.core.Json;
import com.acme.mpc.gateway.logging.RequestIds;
import com.acme.mpc.gateway.provider.NativeAnthropicMessages;
import com.acme.mpc.gateway.provider.ProviderRegistry;
import com.acme.mpc.gateway.provider.UpstreamCall;
import com.acme.mpc.gateway.tokens.PromptTokenCounter;
import com.acme.mpc.gateway.tokens.TokenizerFamily;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * Anthropic's {@code POST /v1/messages/count_tokens}: free, so no admission, usage record or routing; the key must
 * still be valid and allowed the model. A group with an Anthropic deployment asks Anthropic (exact count); any other
 * group gets the gateway's own count of the request in the canonical chat form its deployments receive, with the
 * tokenizer of the group's first deployment ({@link PromptTokenCounter}: exact for OpenAI's models, cl100k_base with
 * a margin for other families).
 */
@ApplicationScoped
public class CountTokensHandler {
    private final ConfigHolder holder;
    private final GatewaySettings settings;
    private final Authenticator authenticator;
    private final ProviderRegistry providers;
    private final PromptTokenCounter tokens;

    public CountTokensHandler(
            ConfigHolder holder,
            GatewaySettings settings,
            Authenticator authenticator,
            ProviderRegistry providers,
            PromptTokenCounter tokens) {
        this.holder = holder;
        this.settings = settings;
        this.authenticator = authenticator;
        this.providers = providers;
        this.tokens = tokens;
    }

    public void handle(RoutingContext ctx) {
        HttpServerResponse response = ctx.response();
        String requestId = RequestIds.of(ctx);
        response.putHeader("x-request-id", requestId);
        authenticator
                .authenticateAsync(ctx.request())
                .onItem()
                .transformToUni(caller -> count(ctx, caller, requestId))
                .subscribe()
                .with(
                        answer -> {
                            if (!response.closed()) {
                                response.putHeader("content-type", "application/json")
                                        .end(Buffer.buffer(Json.toBytes(answer)));
                            }
                        },
                        t -> AnthropicErrorShape.write(
                                response,
                                t instanceof GatewayException g
                                        ? g
                                        : new GatewayException(
                                                500, "api_error", "internal gateway error", null, null, false)));
    }

    private Uni<ObjectNode> count(RoutingContext ctx, Caller caller, String requestId) {
        ObjectNode body = Json.clientObject(
                ctx.body() == null || ctx.body().buffer() == null
                        ? null
                        : ctx.body().buffer().getBytes());
        MessagesValidator.validate(body, true);
        String group = body.get("model").asText();
        if (caller.key() != null && !caller.key().allows(group)) {
            throw new GatewayException(
                    401,
                    AnthropicErrorShape.KEY_MODEL_ACCESS_DENIED,
                    "key not allowed to access model " + group,
                    "model",
                    AnthropicErrorShape.KEY_MODEL_ACCESS_DENIED,
                    false);
        }
        List<Deployment> deployments = holder.config().group(group);
        if (deployments == null || deployments.isEmpty()) {
            throw GatewayException.notFound("model '" + group + "' not found", "model", "model_not_found");
        }
        for (Deployment d : deployments) {
            if (providers.adapterFor(d) instanceof NativeAnthropicMessages api && api.servesMessages(d)) {
                ObjectNode upstreamBody = JsonNodeFactory.instance.objectNode();
                upstreamBody.setAll(body);
                upstreamBody.put("model", d.upstreamModel());
                UpstreamCall call = new UpstreamCall(
                        d,
                        CallType.ANTHROPIC_MESSAGES,
                        upstreamBody,
                        requestId,
                        settings.defaultTimeout(),
                        settings.defaultStreamTimeout());
                return api.countTokens(call, MessagesSurface.forwardedHeaders(ctx.request()));
            }
        }
        Deployment first = deployments.get(0);
        TokenizerFamily family = TokenizerFamily.of(first.provider(), first.upstreamModel());
        ObjectNode canonical = MessagesToChat.convert(body);
        long bodyBytes = ctx.body().buffer().length();
        if (tokens.ready()) {
            return Uni.createFrom().item(answer(tokens.count(canonical, bodyBytes, family)));
        }
        // the encodings are still loading (the first seconds after startup): wait for them off the event loop
        return Uni.createFrom()
                .item(() -> {
                    tokens.load();
                    return answer(tokens.count(canonical, bodyBytes, family));
                })
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    private static ObjectNode answer(long inputTokens) {
        return JsonNodeFactory.instance.objectNode().put("input_tokens", inputTokens);
    }
}
