package com.acme.mpc.gateway.surface.media;

import com.acme.mpc.gateway.core.Metered;
import com.acme.mpc.gateway.core.Usage;
import com.acme.mpc.gateway.provider.http.UpstreamHttp;
import io.vertx.core.buffer.Buffer;

/**
 * The answer of one media attempt: a whole body (JSON or text) to send as is, or an open binary answer (speech) to
 * relay as it arrives; with what it is billed by.
 *
 * @param usage tokens the upstream reported (gpt-image-1, gpt-4o-transcribe, Jina/vLLM rerank), else null
 */
public record MediaAnswer(
        String contentType, Buffer body, UpstreamHttp.OpenResponse open, Usage usage, Metered metered) {

    public static MediaAnswer whole(String contentType, Buffer body, Usage usage, Metered metered) {
        return new MediaAnswer(contentType, body, null, usage, metered);
    }

    public static MediaAnswer streamed(UpstreamHttp.OpenResponse open, Metered metered) {
        return new MediaAnswer(null, null, open, null, metered);
    }

    public long tokens() {
        return usage == null ? 0 : usage.totalTokens();
    }
}
