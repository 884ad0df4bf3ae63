package com.acme.mpc.gateway.tokens;

import com.acme.mpc.gateway.config.ProviderKind;
import java.util.Locale;

/**
 * Which tokenizer counts a deployment's prompt tokens, from its upstream model name ({@code litellm_params.model},
 * provider prefix allowed). OpenAI's own models use their published BPE encodings (as tiktoken maps them); every other
 * family (Anthropic, Gemini, Llama, Mistral, ...) has no public Java tokenizer here and is estimated from cl100k_base
 * with a safety margin ({@link #OTHER_MARGIN}).
 */
public enum TokenizerFamily {
    /** gpt-4o, gpt-4.1, gpt-4.5, gpt-5, o1/o3/o4, chatgpt-4o, gpt-oss: exact counts. */
    O200K,
    /** gpt-4, gpt-3.5-turbo, text-embedding-3/ada-002: exact counts. */
    CL100K,
    /** Any other family: cl100k_base count times {@link #OTHER_MARGIN}, rounded up. */
    OTHER;

    /**
     * Margin on cl100k_base counts for families with their own tokenizer: Claude, Llama 2 and Mistral tokenizers
     * produce up to about a fifth more tokens than cl100k_base for English text and code; 1.25 covers that.
     */
    public static final double OTHER_MARGIN = 1.25;

    /** The family of a deployment: OpenAI and Azure OpenAI models by name; other providers host other families. */
    public static TokenizerFamily of(ProviderKind provider, String upstreamModel) {
        if (upstreamModel == null) {
            return OTHER;
        }
        String m = upstreamModel.toLowerCase(Locale.ROOT);
        String name = m.substring(m.lastIndexOf('/') + 1);
        if (provider != ProviderKind.OPENAI && provider != ProviderKind.AZURE) {
            // an OpenAI model served elsewhere (e.g. ollama/gpt-oss, openrouter/openai/gpt-4o) keeps its tokenizer
            return name.startsWith("gpt-") || name.matches("^o[1-9].*") ? of(ProviderKind.OPENAI, name) : OTHER;
        }
        if (name.startsWith("gpt-4o")
                || name.startsWith("chatgpt-4o")
                || name.startsWith("gpt-4.1")
                || name.startsWith("gpt-4.5")
                || name.startsWith("gpt-5")
                || name.startsWith("gpt-oss")
                || name.matches("^o[1-9].*")) {
            return O200K;
        }
        if (name.startsWith("gpt-4")
                || name.startsWith("gpt-3.5")
                || name.startsWith("gpt-35")
                || name.startsWith("text-embedding-")) {
            return CL100K;
        }
        return OTHER;
    }
}
