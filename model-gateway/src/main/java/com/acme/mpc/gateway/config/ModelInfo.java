package com.acme.mpc.gateway.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.List;

/**
 * LiteLLM {@code model_info} of a deployment. Prices are USD per token, exact decimals; null when not configured.
 *
 * @param raw the whole section as written, returned by {@code /model/info}
 */
public record ModelInfo(
        String id,
        String mode,
        BigDecimal inputCostPerToken,
        BigDecimal outputCostPerToken,
        BigDecimal cacheReadInputTokenCost,
        BigDecimal cacheCreationInputTokenCost,
        Integer maxInputTokens,
        Integer maxOutputTokens,
        ObjectNode raw) {

    /** LiteLLM's per-unit prices of the media endpoints (USD per image, second, character, query). */
    public static final List<String> UNIT_PRICES = List.of(
            "output_cost_per_image", "input_cost_per_second", "input_cost_per_character", "input_cost_per_query");

    /** One of {@link #UNIT_PRICES} as configured (checked to be a non-negative number at load), or null. */
    public BigDecimal unitPrice(String key) {
        JsonNode v = raw == null ? null : raw.get(key);
        if (v == null || v.isNull()) {
            return null;
        }
        try {
            return v.isNumber() ? v.decimalValue() : new BigDecimal(v.asText().trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
