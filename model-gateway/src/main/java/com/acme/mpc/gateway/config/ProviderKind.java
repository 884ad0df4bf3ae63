package com.acme.mpc.gateway.config;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The provider prefix of a LiteLLM {@code litellm_params.model} ({@code <provider>/<name>}) and the wire protocol it
 * implies. OpenAI-compatible hosts share the OpenAI adapter and only differ in their default base URL.
 */
public enum ProviderKind {
    OPENAI("openai", Protocol.OPENAI, "https://api.openai.com/v1"),
    AZURE("azure", Protocol.AZURE, null),
    ANTHROPIC("anthropic", Protocol.ANTHROPIC, "https://api.anthropic.com"),
    GEMINI("gemini", Protocol.GEMINI, "https://generativelanguage.googleapis.com"),
    /** No fixed base: the endpoint follows the deployment's AWS region (see the bedrock adapter). */
    BEDROCK("bedrock", Protocol.BEDROCK, null),
    OLLAMA("ollama", Protocol.OLLAMA, "http://localhost:11434"),
    OLLAMA_CHAT("ollama_chat", Protocol.OLLAMA, "http://localhost:11434"),
    HOSTED_VLLM("hosted_vllm", Protocol.OPENAI, null),
    OPENAI_LIKE("openai_like", Protocol.OPENAI, null),
    CUSTOM_OPENAI("custom_openai", Protocol.OPENAI, null),
    GROQ("groq", Protocol.OPENAI, "https://api.groq.com/openai/v1"),
    MISTRAL("mistral", Protocol.OPENAI, "https://api.mistral.ai/v1"),
    DEEPSEEK("deepseek", Protocol.OPENAI, "https://api.deepseek.com/v1"),
    OPENROUTER("openrouter", Protocol.OPENAI, "https://openrouter.ai/api/v1"),
    LM_STUDIO("lm_studio", Protocol.OPENAI, "http://localhost:1234/v1"),
    TOGETHER_AI("together_ai", Protocol.OPENAI, "https://api.together.xyz/v1"),
    FIREWORKS_AI("fireworks_ai", Protocol.OPENAI, "https://api.fireworks.ai/inference/v1"),
    XAI("xai", Protocol.OPENAI, "https://api.x.ai/v1"),
    PERPLEXITY("perplexity", Protocol.OPENAI, "https://api.perplexity.ai");

    /** The wire protocol an adapter speaks. */
    public enum Protocol {
        OPENAI,
        AZURE,
        ANTHROPIC,
        OLLAMA,
        GEMINI,
        BEDROCK
    }

    private static final Map<String, ProviderKind> BY_PREFIX =
            Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(ProviderKind::prefix, Function.identity()));

    private final String prefix;
    private final Protocol protocol;
    private final String defaultApiBase;

    ProviderKind(String prefix, Protocol protocol, String defaultApiBase) {
        this.prefix = prefix;
        this.protocol = protocol;
        this.defaultApiBase = defaultApiBase;
    }

    public static Optional<ProviderKind> byPrefix(String prefix) {
        return Optional.ofNullable(BY_PREFIX.get(prefix));
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
                || model.startsWith("babbage")) {
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

    /** Whether a deployment must name its {@code api_base}: Bedrock derives its endpoint from the AWS region. */
    public boolean requiresApiBase() {
        return defaultApiBase == null && this != BEDROCK;
    }

    /** Base URL used when {@code api_base} is absent; null when the provider requires one or derives it. */
    public String defaultApiBase() {
        return defaultApiBase;
    }

    /** The value reported as {@code provider} in usage records. */
    public String usageName() {
        return switch (protocol) {
            case OPENAI -> this == OPENAI ? "openai" : "openai_compatible";
            case AZURE -> "azure";
            case ANTHROPIC -> "anthropic";
            case OLLAMA -> "ollama";
            case GEMINI -> "gemini";
            case BEDROCK -> "bedrock";
        };
    }
}
