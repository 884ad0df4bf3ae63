package com.acme.mpc.gateway.usage;

import com.acme.mpc.gateway.config.ModelInfo;
import com.acme.mpc.gateway.core.Metered;
import com.acme.mpc.gateway.core.Usage;
import java.math.BigDecimal;
import java.math.MathContext;

/**
 * The cost of a media call: images times {@code output_cost_per_image}, seconds of audio times
 * {@code input_cost_per_second}, characters times {@code input_cost_per_character}, rerank search units times
 * {@code input_cost_per_query}, plus the upstream's reported tokens at the token prices. Each price comes from the
 * deployment's {@code model_info} (or litellm_params), else from {@link MediaPrices} by the upstream model name. Null
 * when no price applies (cost-tracker then records the call without a cost).
 */
public final class MediaCost {
    private MediaCost() {}

    public static BigDecimal cost(ModelInfo info, String upstreamModel, Metered m, Usage tokens, MediaPrices table) {
        BigDecimal tokenCost = tokens == null ? null : CostCalculator.cost(info, tokens);
        // a model billed by tokens (gpt-image-1, gpt-4o-transcribe with token prices configured) is not billed again
        // by the built-in per-unit approximation; per-unit prices written in model_info always apply
        MediaPrices fallback = tokenCost == null ? table : null;
        BigDecimal total = tokenCost;
        if (m.images() > 0) {
            BigDecimal each = info.unitPrice("output_cost_per_image");
            if (each == null && fallback != null) {
                each = fallback.perImage(upstreamModel, m.quality(), m.size());
            }
            total = add(total, times(each, BigDecimal.valueOf(m.images())));
        }
        if (m.seconds() > 0) {
            total = add(
                    total, times(price(info, upstreamModel, "input_cost_per_second", fallback), exact(m.seconds())));
        }
        if (m.characters() > 0) {
            total = add(
                    total,
                    times(
                            price(info, upstreamModel, "input_cost_per_character", fallback),
                            BigDecimal.valueOf(m.characters())));
        }
        if (m.queries() > 0) {
            total = add(
                    total,
                    times(
                            price(info, upstreamModel, "input_cost_per_query", fallback),
                            BigDecimal.valueOf(m.queries())));
        }
        if (total == null) {
            // a model the table prices at zero (OpenAI's moderations) costs nothing rather than "unknown"
            BigDecimal free = table.price(upstreamModel, "input_cost_per_token");
            return free != null && free.signum() == 0 ? BigDecimal.ZERO : null;
        }
        return total.stripTrailingZeros();
    }

    private static BigDecimal price(ModelInfo info, String model, String key, MediaPrices table) {
        BigDecimal own = info.unitPrice(key);
        return own != null || table == null ? own : table.price(model, key);
    }

    private static BigDecimal times(BigDecimal price, BigDecimal quantity) {
        return price == null ? null : price.multiply(quantity);
    }

    private static BigDecimal add(BigDecimal a, BigDecimal b) {
        if (b == null) {
            return a;
        }
        return a == null ? b : a.add(b);
    }

    private static BigDecimal exact(double seconds) {
        return new BigDecimal(Double.toString(seconds), MathContext.DECIMAL64);
    }
}
