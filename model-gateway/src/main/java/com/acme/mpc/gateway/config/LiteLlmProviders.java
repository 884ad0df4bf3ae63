package com.acme.mpc.gateway.config;

import java.util.Set;

/**
 * What the loader knows about LiteLLM's providers beyond the ones this gateway serves ({@link ProviderKind}): their
 * prefixes (an entry naming one is accepted and listed as unavailable, as LiteLLM would fail it at call time, while a
 * prefix nobody knows is a typo and a startup error), the litellm_params keys that hold credentials, and the model
 * families whose mode (images, audio) this gateway does not serve.
 */
final class LiteLlmProviders {
    /** LiteLLM provider prefixes (its {@code provider_list}, 2026-12) without an adapter in this gateway. */
    private static final Set<String> KNOWN = Set.of(
            "sagemaker",
            "sagemaker_chat",
            "vertex_ai",
            "vertex_ai_beta",
            "palm",
            "replicate",
            "huggingface_tgi",
            "ai21",
            "ai21_chat",
            "nlp_cloud",
            "aleph_alpha",
            "baseten",
            "petals",
            "anyscale",
            "cloudflare",
            "watsonx",
            "watsonx_text",
            "databricks",
            "predibase",
            "triton",
            "clarifai",
            "voyage",
            "jina_ai",
            "azure_ai",
            "azure_text",
            "text-completion-codestral",
            "codestral",
            "sambanova",
            "friendliai",
            "volcengine",
            "empower",
            "galadriel",
            "snowflake",
            "nscale",
            "meta_llama",
            "llamafile",
            "litellm_proxy",
            "dashscope",
            "moonshot",
            "oci",
            "infinity",
            "elevenlabs",
            "assemblyai",
            "deepgram",
            "fal_ai",
            "recraft",
            "featherless_ai",
            "novita",
            "hyperbolic",
            "lambda_ai",
            "v0",
            "morph",
            "datarobot",
            "aiohttp_openai",
            "topaz",
            "xinference",
            "openai_compatible_text",
            "custom");

    /** Model families that are not chat, completion or embedding models. */
    private static final Set<String> NON_TEXT_PREFIXES =
            Set.of("dall-e", "gpt-image", "whisper", "tts-", "gpt-4o-transcribe", "gpt-4o-mini-tts", "imagen");

    private LiteLlmProviders() {}

    static boolean isKnown(String prefix) {
        return KNOWN.contains(prefix);
    }

    /** litellm_params keys whose unset variable leaves a deployment without credentials (not the gateway broken). */
    static boolean isCredential(String key) {
        return key.equals("api_key")
                || key.endsWith("_key")
                || key.contains("secret")
                || key.contains("token")
                || key.contains("credentials")
                || key.startsWith("aws_")
                || key.startsWith("vertex_")
                || key.equals("organization");
    }

    /**
     * The reason an entry's model is not served, or null: LiteLLM's {@code model_info.mode} for images, audio, rerank
     * and the like, or (without a mode) a model family that only does those.
     */
    static String unsupportedModality(String upstreamModel, String mode) {
        if (mode != null) {
            return Set.of("chat", "completion", "embedding", "responses").contains(mode) ? null : "mode '" + mode + "'";
        }
        String name = upstreamModel.substring(upstreamModel.lastIndexOf('/') + 1);
        for (String p : NON_TEXT_PREFIXES) {
            if (name.startsWith(p)) {
                return "model '" + name + "' (image or audio)";
            }
        }
        return null;
    }
}
