package com.acme.mpc.gateway.config;

import java.util.Set;

/**
 * What the loader knows about LiteLLM's providers beyond the ones this gateway serves ({@link ProviderKind}): their
 * prefixes (an entry naming one is accepted and listed as unavailable, as LiteLLM would fail it at call time, while a
 * prefix nobody knows is a typo and a startup error), the litellm_params keys that hold credentials, and which
 * modes ({@link ModelModes}) each provider is served for.
 */
final class LiteLlmProviders {
    /** LiteLLM provider prefixes (its {@code provider_list}, 2026-12) without an adapter in this gateway. */
    private static final Set<String> KNOWN = Set.of(
            "sagemaker",
            "sagemaker_chat",
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
     * The reason an entry's model is not served, or null: a {@code model_info.mode} LiteLLM knows but this gateway does
     * not serve (video_generation, ...), an image, audio, moderation or rerank model on a provider whose media
     * endpoints are not served (only OpenAI, Azure and OpenAI-compatible servers are; rerank also on Cohere, Jina and
     * Infinity), or a text model on a rerank-only provider.
     */
    static String unsupportedModality(ProviderKind provider, String upstreamModel, String writtenMode) {
        if (writtenMode != null && !ModelModes.TEXT.contains(writtenMode) && !ModelModes.MEDIA.contains(writtenMode)) {
            return "mode '" + writtenMode + "'";
        }
        String mode = writtenMode != null ? writtenMode : ModelModes.inferred(upstreamModel);
        if (provider == null) {
            return null;
        }
        ProviderKind.Protocol protocol = provider.protocol();
        if (protocol == ProviderKind.Protocol.RERANK) {
            return ModelModes.RERANK.equals(mode) ? null : "provider '" + provider.prefix() + "' (rerank only)";
        }
        if (ModelModes.RERANK.equals(mode) && protocol == ProviderKind.Protocol.COHERE) {
            return null;
        }
        if (ModelModes.isMedia(mode)
                && protocol != ProviderKind.Protocol.OPENAI
                && protocol != ProviderKind.Protocol.AZURE) {
            return "mode '" + mode + "' on provider '" + provider.prefix() + "'";
        }
        return null;
    }
}
