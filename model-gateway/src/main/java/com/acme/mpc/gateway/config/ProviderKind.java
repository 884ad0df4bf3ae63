package com.acme.mpc.gateway.config;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The provider prefix of a LiteLLM {@code litellm_params.model} ({@code <provider>/<name>}) and the wire protocol it
 * implies. OpenAI-compatible hosts share the OpenAI adapter and only differ in their default base URL.
 */
public enum ProviderKind {
    // prefix, protocol, default base URL (null: api_base required), variable overriding the base, key variables
    // (first set wins; none: no key needed). Bases and variables are LiteLLM's (get_llm_provider_logic.py and each
    // provider's config, 2026-12).
    OPENAI("openai", Protocol.OPENAI, "https://api.openai.com/v1", "OPENAI_API_BASE", "OPENAI_API_KEY"),
    AZURE("azure", Protocol.AZURE, null, "AZURE_API_BASE", "AZURE_API_KEY"),
    ANTHROPIC("anthropic", Protocol.ANTHROPIC, "https://api.anthropic.com", "ANTHROPIC_API_BASE", "ANTHROPIC_API_KEY"),
    OLLAMA("ollama", Protocol.OLLAMA, "http://localhost:11434", "OLLAMA_API_BASE"),
    OLLAMA_CHAT("ollama_chat", Protocol.OLLAMA, "http://localhost:11434", "OLLAMA_API_BASE"),
    OPENAI_LIKE("openai_like", Protocol.OPENAI, null, null),
    CUSTOM_OPENAI("custom_openai", Protocol.OPENAI, null, null),
    HOSTED_VLLM("hosted_vllm", Protocol.OPENAI, null, "HOSTED_VLLM_API_BASE", "HOSTED_VLLM_API_KEY"),
    VLLM("vllm", Protocol.OPENAI, null, "HOSTED_VLLM_API_BASE", "HOSTED_VLLM_API_KEY"),
    LM_STUDIO("lm_studio", Protocol.OPENAI, "http://localhost:1234/v1", "LM_STUDIO_API_BASE", "LM_STUDIO_API_KEY"),
    GROQ("groq", Protocol.OPENAI, "https://api.groq.com/openai/v1", "GROQ_API_BASE", "GROQ_API_KEY"),
    MISTRAL("mistral", Protocol.OPENAI, "https://api.mistral.ai/v1", "MISTRAL_API_BASE", "MISTRAL_API_KEY"),
    DEEPSEEK("deepseek", Protocol.OPENAI, "https://api.deepseek.com/beta", "DEEPSEEK_API_BASE", "DEEPSEEK_API_KEY"),
    XAI("xai", Protocol.OPENAI, "https://api.x.ai/v1", "XAI_API_BASE", "XAI_API_KEY"),
    OPENROUTER(
            "openrouter",
            Protocol.OPENAI,
            "https://openrouter.ai/api/v1",
            "OPENROUTER_API_BASE",
            "OPENROUTER_API_KEY",
            "OR_API_KEY"),
    TOGETHER_AI(
            "together_ai",
            Protocol.OPENAI,
            "https://api.together.xyz/v1",
            "TOGETHER_AI_API_BASE",
            "TOGETHER_API_KEY",
            "TOGETHER_AI_API_KEY",
            "TOGETHERAI_API_KEY"),
    FIREWORKS_AI(
            "fireworks_ai",
            Protocol.OPENAI,
            "https://api.fireworks.ai/inference/v1",
            "FIREWORKS_API_BASE",
            "FIREWORKS_API_KEY",
            "FIREWORKS_AI_API_KEY",
            "FIREWORKSAI_API_KEY"),
    PERPLEXITY(
            "perplexity",
            Protocol.OPENAI,
            "https://api.perplexity.ai",
            "PERPLEXITY_API_BASE",
            "PERPLEXITYAI_API_KEY",
            "PERPLEXITY_API_KEY"),
    CEREBRAS("cerebras", Protocol.OPENAI, "https://api.cerebras.ai/v1", "CEREBRAS_API_BASE", "CEREBRAS_API_KEY"),
    DEEPINFRA(
            "deepinfra",
            Protocol.OPENAI,
            "https://api.deepinfra.com/v1/openai",
            "DEEPINFRA_API_BASE",
            "DEEPINFRA_API_KEY"),
    NVIDIA_NIM(
            "nvidia_nim",
            Protocol.OPENAI,
            "https://integrate.api.nvidia.com/v1",
            "NVIDIA_NIM_API_BASE",
            "NVIDIA_NIM_API_KEY"),
    /** Legacy completions models: chat requests are sent to {@code /completions} as a prompt. */
    TEXT_COMPLETION_OPENAI(
            "text-completion-openai",
            Protocol.OPENAI_COMPLETIONS,
            "https://api.openai.com/v1",
            "OPENAI_API_BASE",
            "OPENAI_API_KEY"),
    /** Hugging Face's OpenAI-compatible Inference Providers router. */
    HUGGINGFACE(
            "huggingface",
            Protocol.OPENAI,
            "https://router.huggingface.co/v1",
            "HF_API_BASE",
            "HF_TOKEN",
            "HUGGINGFACE_API_KEY"),
    /** GitHub Models. */
    GITHUB("github", Protocol.OPENAI, "https://models.inference.ai.azure.com", "GITHUB_API_BASE", "GITHUB_API_KEY"),
    /** Native Gemini API (provider/gemini): generateContent, streamGenerateContent, embedContent. */
    GEMINI("gemini", Protocol.GEMINI, "https://generativelanguage.googleapis.com", "GEMINI_API_BASE", "GEMINI_API_KEY"),
    /**
     * AWS Bedrock's Converse API (provider/bedrock), SigV4-signed with AWS credentials; the endpoint follows from the
     * region ({@code https://bedrock-runtime.<region>.amazonaws.com}) unless {@code aws_bedrock_runtime_endpoint} or
     * {@code api_base} names one. A Bedrock API key ({@code api_key}, {@code AWS_BEARER_TOKEN_BEDROCK}) replaces
     * the signature with a bearer token.
     */
    BEDROCK("bedrock", Protocol.BEDROCK, null, "AWS_BEDROCK_RUNTIME_ENDPOINT", "AWS_BEARER_TOKEN_BEDROCK"),
    /**
     * Google Vertex AI (provider/vertex): Gemini models through {@code generateContent} and {@code predict}, Claude
     * through {@code rawPredict}, with OAuth2 tokens from a service account; the host follows from the location
     * ({@code https://<location>-aiplatform.googleapis.com}) unless {@code api_base} names one.
     */
    VERTEX_AI("vertex_ai", Protocol.VERTEX, null, null),
    /** Cohere's v2 API (provider/cohere): {@code /v2/chat} (JSON and SSE) and {@code /v2/embed}. */
    COHERE("cohere", Protocol.COHERE, "https://api.cohere.com", "COHERE_API_BASE", "COHERE_API_KEY", "CO_API_KEY"),
    /** LiteLLM's other prefix for Cohere's chat models; served by the same adapter. */
    COHERE_CHAT(
            "cohere_chat",
            Protocol.COHERE,
            "https://api.cohere.com",
            "COHERE_API_BASE",
            "COHERE_API_KEY",
            "CO_API_KEY"),
    /** Jina AI, served for rerank only ({@code /v1/rerank}). */
    JINA_AI("jina_ai", Protocol.RERANK, "https://api.jina.ai/v1", "JINA_AI_API_BASE", "JINA_AI_API_KEY"),
    /** Infinity's self-hosted rerank server ({@code /rerank}); api_base required. */
    INFINITY("infinity", Protocol.RERANK, null, "INFINITY_API_BASE", "INFINITY_API_KEY");

    /** The wire protocol an adapter speaks. */
    public enum Protocol {
        OPENAI,
        /** OpenAI's legacy {@code /completions}; chat requests are turned into a prompt. */
        OPENAI_COMPLETIONS,
        AZURE,
        ANTHROPIC,
        OLLAMA,
        GEMINI,
        BEDROCK,
        /** Google Vertex AI: Gemini's and Anthropic's wire formats under Vertex URLs, OAuth2 bearer tokens. */
        VERTEX,
        COHERE,
        /** Rerank servers in Cohere's format (Jina, Infinity): no chat; reached by the media calls only. */
        RERANK
    }

    private static final Map<String, ProviderKind> BY_PREFIX =
            Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(ProviderKind::prefix, Function.identity()));

    private final String prefix;
    private final Protocol protocol;
    private final String defaultApiBase;
    private final String baseEnv;
    private final List<String> keyEnvs;

    ProviderKind(String prefix, Protocol protocol, String defaultApiBase, String baseEnv, String... keyEnvs) {
        this.prefix = prefix;
        this.protocol = protocol;
        this.defaultApiBase = defaultApiBase;
        this.baseEnv = baseEnv;
        this.keyEnvs = List.of(keyEnvs);
    }

    /**
     * Prefixes LiteLLM spells differently for a provider served here: {@code bedrock_converse/} is its explicit route
     * to Bedrock's Converse API, which is what {@code bedrock/} already speaks; {@code vertex_ai_beta/} is its older
     * name for Vertex AI's Gemini route.
     */
    private static final Map<String, ProviderKind> ALIASES =
            Map.of("bedrock_converse", BEDROCK, "vertex_ai_beta", VERTEX_AI);

    public static Optional<ProviderKind> byPrefix(String prefix) {
        ProviderKind kind = BY_PREFIX.get(prefix);
        return Optional.ofNullable(kind != null ? kind : ALIASES.get(prefix));
    }

    public static String knownPrefixes() {
        return Arrays.stream(values()).map(ProviderKind::prefix).sorted().collect(Collectors.joining(", "));
    }

    /** LiteLLM accepts well-known model names without a prefix; infer the provider as it does. */
    public static Optional<ProviderKind> inferFromBareModel(String model) {
        if (model.startsWith("claude")) {
            return Optional.of(ANTHROPIC);
        }
        if (model.startsWith("gpt-")
                || model.startsWith("chatgpt")
                || model.startsWith("text-embedding")
                || model.matches("o[1-9].*")
                || model.startsWith("davinci")
                || model.startsWith("babbage")
                || model.startsWith("ft:gpt-")
                // OpenAI's image, audio and moderation models (served by the media endpoints, see ModelModes)
                || model.startsWith("dall-e")
                || model.startsWith("gpt-image")
                || model.startsWith("whisper")
                || model.startsWith("tts-")
                || model.startsWith("text-moderation")
                || model.startsWith("omni-moderation")) {
            return Optional.of(OPENAI);
        }
        return Optional.empty();
    }

    public String prefix() {
        return prefix;
    }

    public Protocol protocol() {
        return protocol;
    }

    /** Whether a deployment must name its {@code api_base}. */
    public boolean requiresApiBase() {
        // Bedrock and Vertex AI derive their endpoint from the region or location
        return defaultApiBase == null && protocol != Protocol.BEDROCK && protocol != Protocol.VERTEX;
    }

    /** Base URL used when {@code api_base} is absent; null when the provider requires one or derives it. */
    public String defaultApiBase() {
        return defaultApiBase;
    }

    /** The environment variable LiteLLM reads the base URL from when {@code api_base} is absent; may be null. */
    public String baseEnv() {
        return baseEnv;
    }

    /** The environment variables LiteLLM reads the key from when {@code api_key} is absent, in order; may be empty. */
    public List<String> keyEnvs() {
        return keyEnvs;
    }

    /** The first key variable, for messages; null when the provider takes no key. */
    public String keyEnv() {
        return keyEnvs.isEmpty() ? null : keyEnvs.get(0);
    }

    /** Whether calls to the provider's own hosted service need a key (local servers such as Ollama do not). */
    public boolean requiresKey() {
        return !keyEnvs.isEmpty() && defaultApiBase != null && defaultApiBase.startsWith("https://");
    }

    /** The value reported as {@code provider} in usage records. */
    public String usageName() {
        return switch (protocol) {
            case OPENAI, OPENAI_COMPLETIONS ->
                this == OPENAI || this == TEXT_COMPLETION_OPENAI ? "openai" : "openai_compatible";
            case AZURE -> "azure";
            case ANTHROPIC -> "anthropic";
            case OLLAMA -> "ollama";
            case GEMINI -> "gemini";
            case BEDROCK -> "bedrock";
            case VERTEX -> "vertex_ai";
            case COHERE -> "cohere";
            case RERANK -> prefix;
        };
    }
}
