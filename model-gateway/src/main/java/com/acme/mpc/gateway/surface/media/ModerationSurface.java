package com.acme.mpc.gateway.surface.media;

import com.acme.mpc.gateway.config.ModelModes;
import com.acme.mpc.gateway.core.CallType;
import com.acme.mpc.gateway.core.GatewayException;
import com.acme.mpc.gateway.core.Metered;
import com.acme.mpc.gateway.provider.media.MediaUpstream;
import com.acme.mpc.gateway.surface.Attempt;
import com.acme.mpc.gateway.surface.CanonicalBody;
import com.fasterxml.jackson.databind.JsonNode;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;

/**
 * OpenAI's {@code POST /v1/moderations}; {@code model} may be left out (as OpenAI allows): the gateway's first model
 * of mode moderation serves it. OpenAI does not bill moderations; a configured price applies per token.
 */
public final class ModerationSurface implements MediaSurface {

    @Override
    public CallType callType() {
        return CallType.MODERATION;
    }

    @Override
    public String mode() {
        return ModelModes.MODERATION;
    }

    @Override
    public MediaRequest read(RoutingContext ctx) {
        MediaRequest r = MediaRequest.json(ctx);
        JsonNode input = r.fields().get("input");
        if (input == null || input.isNull()) {
            throw GatewayException.badRequest("'input' is required", "input");
        }
        if (!input.isTextual() && !input.isArray()) {
            throw GatewayException.badRequest("'input' must be a string or an array", "input");
        }
        return r;
    }

    @Override
    public Uni<MediaAnswer> call(MediaUpstream upstream, Attempt attempt, MediaRequest request) {
        return upstream.postJson(
                        attempt.deployment(),
                        "moderations",
                        CanonicalBody.prepareMedia(request.fields(), attempt.deployment()),
                        attempt.timeout())
                .map(r -> {
                    MediaAnswers.json(r, attempt.deployment());
                    return MediaAnswer.whole("application/json", r.body(), null, Metered.NONE);
                });
    }
}
