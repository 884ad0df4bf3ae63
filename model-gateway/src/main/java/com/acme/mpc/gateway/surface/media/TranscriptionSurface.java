package com.acme.mpc.gateway.surface.media;

import com.acme.mpc.gateway.config.Deployment;
import com.acme.mpc.gateway.config.ModelModes;
import com.acme.mpc.gateway.core.CallType;
import com.acme.mpc.gateway.core.GatewayException;
import com.acme.mpc.gateway.core.Json;
import com.acme.mpc.gateway.core.Metered;
import com.acme.mpc.gateway.provider.media.MediaUpstream;
import com.acme.mpc.gateway.surface.Attempt;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;

/**
 * OpenAI's {@code POST /v1/audio/transcriptions} and {@code /v1/audio/translations}: a multipart upload (spooled to
 * disk as it arrives, then streamed from disk to each attempt's deployment), the answer relayed in whatever format the
 * client asked ({@code json}, {@code verbose_json}, {@code text}, {@code srt}, {@code vtt}). Billed per second of
 * audio ({@link AudioDuration}) or by tokens where the upstream reports them (gpt-4o-transcribe).
 */
public final class TranscriptionSurface implements MediaSurface {
    private final boolean translation;

    public TranscriptionSurface(boolean translation) {
        this.translation = translation;
    }

    @Override
    public CallType callType() {
        return translation ? CallType.TRANSLATION : CallType.TRANSCRIPTION;
    }

    @Override
    public String mode() {
        return ModelModes.AUDIO_TRANSCRIPTION;
    }

    @Override
    public MediaRequest read(RoutingContext ctx) {
        MediaRequest r = MediaRequest.form(ctx);
        if (r.filesOf("file").size() != 1) {
            throw GatewayException.badRequest("'file' is required: one audio file part", "file");
        }
        return r;
    }

    @Override
    public Uni<MediaAnswer> call(MediaUpstream upstream, Attempt attempt, MediaRequest request) {
        Deployment d = attempt.deployment();
        String operation = translation ? "audio/translations" : "audio/transcriptions";
        return upstream.postMultipart(d, operation, MediaAnswers.form(request, d), request.files(), attempt.timeout())
                .map(r -> {
                    String type = MediaAnswers.contentType(r);
                    ObjectNode json = MediaAnswers.isJson(type)
                            ? Json.objectOrNull(r.body().getBytes())
                            : null;
                    double seconds = json != null
                            ? AudioDuration.ofJson(json)
                            : AudioDuration.ofSubtitles(r.body().toString());
                    return MediaAnswer.whole(
                            type,
                            r.body(),
                            json == null ? null : MediaAnswers.tokens(json.get("usage")),
                            Metered.seconds(seconds));
                });
    }
}
