package com.acme.mpc.gateway.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** A gateway whose media deployments (images, audio, moderations, rerank) point at a {@link FakeMediaUpstream}. */
public class MediaTestResource implements QuarkusTestResourceLifecycleManager {
    public static FakeMediaUpstream upstream;
    /** Where the gateway spools uploads in these tests (checked empty after each call). */
    public static java.nio.file.Path uploads;

    @Override
    public Map<String, String> start() {
        upstream = new FakeMediaUpstream();
        try {
            uploads = java.nio.file.Files.createTempDirectory("gateway-uploads-");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        String yaml = """
                model_list:
                  - model_name: dall-e-3
                    litellm_params: {model: openai/dall-e-3, api_base: %1$s/v1, api_key: sk-media-upstream-123456}
                  - model_name: flaky-image
                    litellm_params: {model: openai/broken-dalle, api_base: %1$s/v1, api_key: sk-media-upstream-123456}
                    model_info: {id: flaky-broken, mode: image_generation}
                  - model_name: flaky-image
                    litellm_params: {model: openai/dall-e-3, api_base: %1$s/v1, api_key: sk-media-upstream-123456}
                    model_info: {id: flaky-good, mode: image_generation}
                  - model_name: nsfw-image
                    litellm_params: {model: openai/nsfw-dalle, api_base: %1$s/v1, api_key: sk-media-upstream-123456}
                    model_info: {mode: image_generation}
                  - model_name: gpt-image-1
                    litellm_params: {model: openai/gpt-image-1, api_base: %1$s/v1, api_key: sk-media-upstream-123456}
                    model_info: {input_cost_per_token: 0.000005, output_cost_per_token: 0.00004}
                  - model_name: whisper-1
                    litellm_params: {model: openai/whisper-1, api_base: %1$s/v1, api_key: sk-media-upstream-123456}
                  - model_name: transcriber
                    litellm_params: {model: hosted_vllm/my-whisper, api_base: %1$s/v1}
                    model_info: {mode: audio_transcription, input_cost_per_second: 0.0002}
                  - model_name: tts-1
                    litellm_params: {model: openai/tts-1, api_base: %1$s/v1, api_key: sk-media-upstream-123456}
                  - model_name: omni-moderation-latest
                    litellm_params: {model: openai/omni-moderation-latest, api_base: %1$s/v1, api_key: sk-media-upstream-123456}
                  - model_name: cohere-rerank
                    litellm_params: {model: cohere/rerank-v3.5, api_base: %1$s, api_key: sk-cohere-upstream-123456}
                  - model_name: vllm-rerank
                    litellm_params: {model: hosted_vllm/BAAI/bge-reranker-v2-m3, api_base: %1$s/v1}
                    model_info: {mode: rerank, input_cost_per_token: 0.00000002}
                  - model_name: chat
                    litellm_params: {model: openai/gpt-4o-mini, api_base: %1$s/v1, api_key: sk-media-upstream-123456}
                    model_info: {input_cost_per_token: 0.00000015, output_cost_per_token: 0.0000006}
                router_settings:
                  num_retries: 1
                general_settings:
                  master_key: sk-media-master
                """.formatted(upstream.root());
        return Map.of(
                "gateway.config-file",
                TestConfigFiles.write("gateway-media-", yaml),
                "gateway.max-upload-size",
                String.valueOf(64L * 1024 * 1024),
                "gateway.uploads-directory",
                uploads.toString());
    }

    @Override
    public void stop() {
        if (upstream != null) {
            upstream.close();
        }
    }
}
