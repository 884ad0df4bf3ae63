package com.acme.mpc.gateway.surface.anthropic;

import com.acme.mpc.gateway.core.Usage;
import com.acme.mpc.gateway.provider.anthropic.AnthropicMapper;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Anthropic's usage buckets: {@code input_tokens} excludes cache reads and cache writes, which are counted (and priced)
 * apart; the gateway's {@link Usage} counts every prompt token in {@code promptTokens} and keeps the cache buckets as
 * details.
 */
final class AnthropicUsage {
    private AnthropicUsage() {}

    static Usage read(JsonNode usage) {
        return usage == null || !usage.isObject() ? null : AnthropicMapper.usage(usage);
    }

    static ObjectNode write(Usage u) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("input_tokens", Math.max(0, u.promptTokens() - u.cachedReadTokens() - u.cacheCreationTokens()));
        out.put("cache_creation_input_tokens", u.cacheCreationTokens());
        out.put("cache_read_input_tokens", u.cachedReadTokens());
        out.put("output_tokens", u.completionTokens());
        return out;
    }
}
