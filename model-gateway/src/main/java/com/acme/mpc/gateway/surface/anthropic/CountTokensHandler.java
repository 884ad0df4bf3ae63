package com.acme.mpc.gateway.surface.anthropic;

import com.acme.mpc.gateway.api.Authenticator;
import com.acme.mpc.gateway.api.Caller;
import com.acme.mpc.gateway.config.ConfigHolder;
import com.acme.mpc.gateway.config.Deployment;
import com.acme.mpc.gateway.config.GatewayConfig;
import com.acme.mpc.gateway.config.GatewaySettings;
import com.acme.mpc.gateway.core.CallType;
import com.acme.mpc.gateway.core.GatewayException;
import com.acme.mpc.gateway.core.Json;
import com.acme.mpc.gateway.logging.RequestIds;
import com.acme.mpc.gateway.provider.NativeAnthropicMessages;
import com.acme.mpc.gateway.provider.ProviderRegistry;
import com.acme.mpc.gateway.provider.UpstreamCall;
import com.acme.mpc.gateway.provider.mock.TokenEstimate;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * Anthropic's {@code POST /v1/messages/count_tokens}: free, so no admission, usage record or routing; the key must
 * still be valid and allowed the model. A group with an Anthropic deployment asks Anthropic (exact count); any other
 * group gets the gateway's estimate of the request's text (about four characters a token).
 */
@ApplicationScoped
public class CountTokensHandler {
    private final GatewayConfig config;
    private final GatewaySettings settings;
    private final Authenticator authenticator;
    private final ProviderRegistry providers;

    public CountTokensHandler(
            ConfigHolder holder, GatewaySettings settings, Authenticator authenticator, ProviderRegistry providers) {
        this.config = holder.config();
        this.settings = settings;
        this.authenticator = authenticator;
        this.providers = providers;
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
        ObjectNode body = ctx.body() == null
                ? null
                : Json.objectOrNull(ctx.body().buffer().getBytes());
        if (body == null) {
            throw GatewayException.badRequest("request body must be a JSON object", null);
        }
        MessagesValidator.validate(body, true);
        String group = body.get("model").asText();
        if (caller.key() != null && !caller.key().allows(group)) {
            throw new GatewayException(
                    401, "key_model_access_denied", "key not allowed to access model " + group, "model", null, false);
        }
        List<Deployment> deployments = config.group(group);
        if (deployments == null || deployments.isEmpty()) {
            throw GatewayException.notFound("model '" + group + "' not found", "model", "model_not_found");
        }
        for (Deployment d : deployments) {
            if (providers.adapterFor(d) instanceof NativeAnthropicMessages api) {
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
        long tokens = TokenEstimate.of(MessagesText.of(body));
        return Uni.createFrom().item(JsonNodeFactory.instance.objectNode().put("input_tokens", tokens));
    }
}
