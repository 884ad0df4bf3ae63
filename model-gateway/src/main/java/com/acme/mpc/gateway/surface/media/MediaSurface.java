package com.acme.mpc.gateway.surface.media;

import com.acme.mpc.gateway.core.CallType;
import com.acme.mpc.gateway.provider.media.MediaUpstream;
import com.acme.mpc.gateway.surface.Attempt;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;

/**
 * One media endpoint (images, audio, moderations, rerank): how its request is read and how one attempt calls a
 * deployment. The call itself (admission, routing, retries and fallbacks, usage) is {@code service.MediaPipeline}'s.
 */
public interface MediaSurface {

    CallType callType();

    /** The {@code model_info.mode} of the deployments that serve this endpoint (LiteLLM's modes). */
    String mode();

    /** Reads and checks the request; a 400 naming the field when it is wrong. Runs before any provider call. */
    MediaRequest read(RoutingContext ctx);

    /** One attempt on the deployment of {@code attempt}. */
    Uni<MediaAnswer> call(MediaUpstream upstream, Attempt attempt, MediaRequest request);
}
