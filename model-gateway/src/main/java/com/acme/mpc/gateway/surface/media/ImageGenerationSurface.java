package com.acme.mpc.gateway.surface.media;

import com.acme.mpc.gateway.config.Deployment;
import com.acme.mpc.gateway.config.ModelModes;
import com.acme.mpc.gateway.core.CallType;
import com.acme.mpc.gateway.core.Metered;
import com.acme.mpc.gateway.provider.http.UpstreamResponse;
import com.acme.mpc.gateway.provider.media.MediaUpstream;
import com.acme.mpc.gateway.surface.Attempt;
import com.acme.mpc.gateway.surface.CanonicalBody;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;

/**
 * OpenAI's {@code POST /v1/images/generations} (JSON) and {@code /v1/images/edits} (multipart: {@code image} or
 * {@code image[]} files, optional {@code mask}), relayed in OpenAI's format; billed per image made (by quality and
 * size) and by tokens where the upstream reports them (gpt-image-1).
 */
public final class ImageGenerationSurface implements MediaSurface {
    private final boolean edit;

    public ImageGenerationSurface(boolean edit) {
        this.edit = edit;
    }

    @Override
    public CallType callType() {
        return edit ? CallType.IMAGE_EDIT : CallType.IMAGE_GENERATION;
    }

    @Override
    public String mode() {
        return ModelModes.IMAGE_GENERATION;
    }

    @Override
    public MediaRequest read(RoutingContext ctx) {
        MediaRequest r = edit ? MediaRequest.form(ctx) : MediaRequest.json(ctx);
        r.requireString("prompt");
        r.optionalCount("n", 10);
        r.optionalString("size");
        r.optionalString("quality");
        if (edit && r.filesOf("image").isEmpty()) {
            throw com.acme.mpc.gateway.core.GatewayException.badRequest("'image' is required (a file part)", "image");
        }
        return r;
    }

    @Override
    public Uni<MediaAnswer> call(MediaUpstream upstream, Attempt attempt, MediaRequest request) {
        Deployment d = attempt.deployment();
        Uni<UpstreamResponse> sent = edit
                ? upstream.postMultipart(
                        d, "images/edits", MediaAnswers.form(request, d), request.files(), attempt.timeout())
                : upstream.postJson(
                        d, "images/generations", CanonicalBody.prepareMedia(request.fields(), d), attempt.timeout());
        return sent.map(r -> {
            ObjectNode json = MediaAnswers.json(r, d);
            int images = json.path("data").size();
            String quality =
                    json.path("quality").asText(request.fields().path("quality").asText(null));
            String size = json.path("size").asText(request.fields().path("size").asText(null));
            return MediaAnswer.whole(
                    "application/json",
                    r.body(),
                    MediaAnswers.tokens(json.get("usage")),
                    Metered.images(images, quality, size));
        });
    }
}
