package com.acme.mpc.cost.pricing;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Optional;

/**
 * Cost of one call in USD, exact (BigDecimal), rounded half-even to 10 decimals only at the end.
 *
 * <p>Buckets: uncached prompt tokens (prompt - cache reads - cache writes) at the input price, cache
 * reads at the cache-read price, cache writes at the cache-write price, non-reasoning completion tokens
 * at the output price, reasoning tokens at the reasoning price (the output price unless the table
 * prices them apart).
 *
 * <p>Prices: when the gateway sends input/output per-token prices (the deployment's model_info) they win;
 * the cache buckets are then priced with the ratio the table has for the model (cache price / input
 * price), or with the provider's usual ratio (Anthropic: read 0.1x, write 1.25x; others: 1x) if the table
 * does not know the model. Without gateway prices the built-in table (plus overrides) is used. Calls
 * answered from the gateway's response cache cost 0. Local providers (ollama, mock) not in the table
 * cost 0; anything else unknown costs 0 and is marked "unpriced".
 */
public class CostCalculator {
    public static final int SCALE = 10;
    private static final BigDecimal ANTHROPIC_READ = new BigDecimal("0.1");
    private static final BigDecimal ANTHROPIC_WRITE = new BigDecimal("1.25");

    public record Usage(
            String provider,
            String model,
            String modelGroup,
            long promptTokens,
            long completionTokens,
            long cachedReadTokens,
            long cacheCreationTokens,
            long reasoningTokens,
            boolean cacheHit,
            BigDecimal gatewayInputPerToken,
            BigDecimal gatewayOutputPerToken) {}

    public record Cost(BigDecimal usd, String source) {}

    private final PriceTable table;

    public CostCalculator(PriceTable table) {
        this.table = table;
    }

    public Cost cost(Usage u) {
        if (u.cacheHit()) {
            return new Cost(zero(), "cache_hit");
        }
        Optional<ModelPrice> known = table.find(u.provider(), u.model(), u.modelGroup());
        BigDecimal in;
        BigDecimal out;
        BigDecimal read;
        BigDecimal write;
        BigDecimal reasoning;
        String source;
        if (u.gatewayInputPerToken() != null || u.gatewayOutputPerToken() != null) {
            in = nz(u.gatewayInputPerToken());
            out = nz(u.gatewayOutputPerToken());
            source = "gateway";
            if (known.isPresent() && known.get().input().signum() > 0) {
                ModelPrice p = known.get();
                read = ratio(in, p.cacheRead(), p.input());
                write = ratio(in, p.cacheWrite(), p.input());
            } else if ("anthropic".equalsIgnoreCase(u.provider())) {
                read = in.multiply(ANTHROPIC_READ);
                write = in.multiply(ANTHROPIC_WRITE);
            } else {
                read = in;
                write = in;
            }
            reasoning = known.isPresent()
                            && known.get().reasoning() != null
                            && known.get().output().signum() > 0
                    ? ratio(out, known.get().reasoning(), known.get().output())
                    : out;
        } else if (known.isPresent()) {
            ModelPrice p = known.get();
            in = p.input();
            out = p.output();
            read = p.cacheRead() != null ? p.cacheRead() : in;
            write = p.cacheWrite() != null ? p.cacheWrite() : in;
            reasoning = p.reasoning() != null ? p.reasoning() : out;
            source = "table";
        } else {
            String provider = u.provider() == null ? "" : u.provider().toLowerCase();
            return new Cost(zero(), provider.equals("ollama") || provider.equals("mock") ? "local" : "unpriced");
        }
        long uncached = Math.max(0, u.promptTokens() - u.cachedReadTokens() - u.cacheCreationTokens());
        long plainOut = Math.max(0, u.completionTokens() - u.reasoningTokens());
        BigDecimal usd = in.multiply(BigDecimal.valueOf(uncached))
                .add(read.multiply(BigDecimal.valueOf(u.cachedReadTokens())))
                .add(write.multiply(BigDecimal.valueOf(u.cacheCreationTokens())))
                .add(out.multiply(BigDecimal.valueOf(plainOut)))
                .add(reasoning.multiply(BigDecimal.valueOf(u.reasoningTokens())));
        return new Cost(usd.setScale(SCALE, RoundingMode.HALF_EVEN), source);
    }

    private static BigDecimal ratio(BigDecimal base, BigDecimal bucket, BigDecimal tableBase) {
        if (bucket == null) {
            return base;
        }
        // base * bucket / tableBase, exact where possible, else 20 significant digits
        BigDecimal num = base.multiply(bucket);
        try {
            return num.divide(tableBase);
        } catch (ArithmeticException nonTerminating) {
            return num.divide(tableBase, new java.math.MathContext(20, RoundingMode.HALF_EVEN));
        }
    }

    private static BigDecimal nz(BigDecimal v) {
        return v == null ? BigDecimal.ZERO : v;
    }

    private static BigDecimal zero() {
        return BigDecimal.ZERO.setScale(SCALE);
    }
}
