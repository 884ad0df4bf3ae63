package com.acme.mpc.gateway.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Token usage in OpenAI's accounting: {@code promptTokens} includes cached reads and cache writes,
 * {@code completionTokens} includes reasoning.
 */
public record Usage(
        long promptTokens,
        long completionTokens,
        long cachedReadTokens,
        long cacheCreationTokens,
        long reasoningTokens) {

    public static final Usage ZERO = new Usage(0, 0, 0, 0, 0);

    public long totalTokens() {
        return promptTokens + completionTokens;
    }

    /** Reads an OpenAI {@code usage} object; missing fields count as zero. */
    public static Usage fromOpenAi(JsonNode usage) {
        if (usage == null || !usage.isObject()) {
            return null;
        }
        JsonNode promptDetails = usage.path("prompt_tokens_details");
        JsonNode completionDetails = usage.path("completion_tokens_details");
        return new Usage(
                usage.path("prompt_tokens").asLong(0),
                usage.path("completion_tokens").asLong(0),
                promptDetails.path("cached_tokens").asLong(0),
                promptDetails.path("cache_creation_tokens").asLong(0),
                completionDetails.path("reasoning_tokens").asLong(0));
    }

    /** Writes this usage as an OpenAI {@code usage} object into {@code target}. */
    public ObjectNode writeOpenAi(ObjectNode target) {
        target.put("prompt_tokens", promptTokens);
        target.put("completion_tokens", completionTokens);
        target.put("total_tokens", totalTokens());
        if (cachedReadTokens > 0 || cacheCreationTokens > 0) {
            ObjectNode details = target.putObject("prompt_tokens_details");
            details.put("cached_tokens", cachedReadTokens);
            if (cacheCreationTokens > 0) {
                details.put("cache_creation_tokens", cacheCreationTokens);
            }
        }
        if (reasoningTokens > 0) {
            target.putObject("completion_tokens_details").put("reasoning_tokens", reasoningTokens);
        }
        return target;
    }
}
