package com.acme.mpc.gateway.surface.media;

import com.acme.mpc.gateway.config.ModelModes;
import com.acme.mpc.gateway.core.CallType;
import com.acme.mpc.gateway.core.Metered;
import com.acme.mpc.gateway.provider.media.MediaUpstream;
import com.acme.mpc.gateway.surface.Attempt;
import com.acme.mpc.gateway.surface.CanonicalBody;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;

/**
 * OpenAI's {@code POST /v1/audio/speech}: the binary audio answer is relayed to the client as it arrives (never held
 * whole); billed per character of {@code input}.
 */
public final class SpeechSurface implements MediaSurface {

    @Override
    public CallType callType() {
        return CallType.SPEECH;
    }

    @Override
    public String mode() {
        return ModelModes.AUDIO_SPEECH;
    }

    @Override
    public MediaRequest read(RoutingContext ctx) {
        MediaRequest r = MediaRequest.json(ctx);
        r.requireString("input");
        r.optionalString("voice");
        r.optionalString("response_format");
        return r;
    }

    @Override
    public Uni<MediaAnswer> call(MediaUpstream upstream, Attempt attempt, MediaRequest request) {
        String input = request.fields().get("input").asText();
        long characters = input.codePointCount(0, input.length());
        return upstream.open(
                        attempt.deployment(),
                        "audio/speech",
                        CanonicalBody.prepareMedia(request.fields(), attempt.deployment()),
                        attempt.timeout())
                .map(open -> MediaAnswer.streamed(open, Metered.characters(characters)));
    }
}
