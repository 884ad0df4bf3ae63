package com.acme.mpc.gateway.usage;

import com.acme.mpc.gateway.config.ModelInfo;
import com.acme.mpc.gateway.core.Usage;
import java.math.BigDecimal;

/**
 * The cost of a call from the deployment's {@code model_info} prices, exact in decimal. Cache reads and writes use
 * their own prices when configured, else the input price. Null when the deployment has no prices (cost-tracker then
 * prices it from its table).
 */
public final class CostCalculator {
    private CostCalculator() {}

    public static BigDecimal cost(ModelInfo info, Usage usage) {
        if (usage == null || info.inputCostPerToken() == null && info.outputCostPerToken() == null) {
            return null;
        }
        BigDecimal in = orZero(info.inputCostPerToken());
        BigDecimal out = orZero(info.outputCostPerToken());
        BigDecimal cacheRead = info.cacheReadInputTokenCost() == null ? in : info.cacheReadInputTokenCost();
        BigDecimal cacheWrite = info.cacheCreationInputTokenCost() == null ? in : info.cacheCreationInputTokenCost();
        long plainInput = Math.max(0, usage.promptTokens() - usage.cachedReadTokens() - usage.cacheCreationTokens());
        return in.multiply(BigDecimal.valueOf(plainInput))
                .add(cacheRead.multiply(BigDecimal.valueOf(usage.cachedReadTokens())))
                .add(cacheWrite.multiply(BigDecimal.valueOf(usage.cacheCreationTokens())))
                .add(out.multiply(BigDecimal.valueOf(usage.completionTokens())))
                .stripTrailingZeros();
    }

    private static BigDecimal orZero(BigDecimal v) {
        return v == null ? BigDecimal.ZERO : v;
    }
}
