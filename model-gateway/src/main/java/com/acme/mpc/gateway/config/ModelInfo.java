package com.acme.mpc.gateway.config;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;

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
        ObjectNode raw) {}
