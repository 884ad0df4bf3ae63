package com.acme.mpc.cost.pricing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Costs checked against values computed by hand from the per-million list prices. */
class CostCalculatorTest {
    private static final PriceTable TABLE = new PriceTable(new ObjectMapper(), Optional.empty());
    private final CostCalculator calc = new CostCalculator(TABLE);

    private static CostCalculator.Usage usage(
            String provider, String model, long prompt, long completion, long read, long write, long reasoning) {
        return new CostCalculator.Usage(
                provider, model, model, prompt, completion, read, write, reasoning, false, null, null);
    }

    private static void assertCost(String expected, String source, CostCalculator.Cost cost) {
        assertEquals(0, new BigDecimal(expected).compareTo(cost.usd()), "expected " + expected + " got " + cost.usd());
        assertEquals(source, cost.source());
        assertEquals(CostCalculator.SCALE, cost.usd().scale());
    }

    @Test
    void openAiCachedInputIsItsOwnBucket() {
        // gpt-4o: $2.50 in, $1.25 cached in, $10 out per 1M.
        // 600 uncached * 2.5e-6 = 0.0015; 400 cached * 1.25e-6 = 0.0005; 100 out * 1e-5 = 0.001
        assertCost("0.003", "table", calc.cost(usage("openai", "gpt-4o", 1000, 100, 400, 0, 0)));
    }

    @Test
    void datedModelNameResolvesToItsFamily() {
        // gpt-4o-mini-2024-07-18 -> gpt-4o-mini ($0.15 / $0.60): 1M in + 1M out = 0.75
        assertCost(
                "0.75", "table", calc.cost(usage("openai", "gpt-4o-mini-2024-07-18", 1_000_000, 1_000_000, 0, 0, 0)));
        // the exact dated entry wins over the family: gpt-4o-2024-05-13 is $5 / $15
        assertCost("0.02", "table", calc.cost(usage("openai", "gpt-4o-2024-05-13", 1000, 1000, 0, 0, 0)));
    }

    @Test
    void latestAliasIsPricedAsWhatItPointsToAndTheOldVersionKeepsItsPrice() {
        // mistral-large-latest = Mistral Large 3: $0.50 / $1.50 -> 1M in + 1M out = 2.00
        assertCost("2.00", "table", calc.cost(usage("mistral", "mistral-large-latest", 1_000_000, 1_000_000, 0, 0, 0)));
        // pinned Mistral Large 2 (2411): $2 / $6 -> 8.00
        assertCost("8.00", "table", calc.cost(usage("mistral", "mistral-large-2411", 1_000_000, 1_000_000, 0, 0, 0)));
    }

    @Test
    void openAiCompatibleHostsArePricedByTheModelNameAfterTheirPrefix() {
        // the gateway reports groq/xai/together_ai/... deployments as provider openai_compatible, with the upstream
        // model (together's keeps its org/ prefix); 1M in + 1M out each, LiteLLM's prices of 2026-12-07
        assertCost(
                "18.00", "table", calc.cost(usage("openai_compatible", "grok-4-0709", 1_000_000, 1_000_000, 0, 0, 0)));
        // a suffixed variant priced apart from its shorter name does not fall back to it
        assertCost(
                "4.60",
                "table",
                calc.cost(usage("openai_compatible", "grok-3-mini-fast-beta", 1_000_000, 1_000_000, 0, 0, 0)));
        assertCost(
                "0.70",
                "table",
                calc.cost(usage("openai_compatible", "grok-4-1-fast-reasoning", 1_000_000, 1_000_000, 0, 0, 0)));
        assertCost(
                "1.76",
                "table",
                calc.cost(usage(
                        "openai_compatible",
                        "meta-llama/Llama-3.3-70B-Instruct-Turbo",
                        1_000_000,
                        1_000_000,
                        0,
                        0,
                        0)));
        assertCost(
                "0",
                "table",
                calc.cost(usage(
                        "openai_compatible",
                        "meta-llama/Llama-3.3-70B-Instruct-Turbo-Free",
                        1_000_000,
                        1_000_000,
                        0,
                        0,
                        0)));
        assertCost("18.00", "table", calc.cost(usage("openai_compatible", "sonar-pro", 1_000_000, 1_000_000, 0, 0, 0)));
        assertCost(
                "2.05", "table", calc.cost(usage("openai_compatible", "llama-3.3-70b", 1_000_000, 1_000_000, 0, 0, 0)));
    }

    @Test
    void vertexAiRowsFromLiteLlm() {
        // LiteLLM's Vertex prices of 2026-12-07, 1M in + 1M out: gemini-2.5-flash 0.30 + 2.50
        assertCost("2.80", "table", calc.cost(usage("vertex_ai", "gemini-2.5-flash", 1_000_000, 1_000_000, 0, 0, 0)));
        // gemini-2.0-flash on Vertex is 0.15 / 0.60 (the Gemini API's is 0.10 / 0.40); its -001 version finds it
        assertCost(
                "0.75", "table", calc.cost(usage("vertex_ai", "gemini-2.0-flash-001", 1_000_000, 1_000_000, 0, 0, 0)));
        assertCost("0.50", "table", calc.cost(usage("gemini", "gemini-2.0-flash", 1_000_000, 1_000_000, 0, 0, 0)));
        // Vertex's versioned Claude id finds vertex_ai/claude-sonnet-4 at '@': 3 + 15; with 400k of 1M prompt tokens
        // read from the cache (0.30) and 100k written (3.75): 500k * 3e-6 + 400k * 3e-7 + 100k * 3.75e-6 + 15 = 16.995
        assertCost(
                "18.00",
                "table",
                calc.cost(usage("vertex_ai", "claude-sonnet-4@20250514", 1_000_000, 1_000_000, 0, 0, 0)));
        assertCost(
                "16.995",
                "table",
                calc.cost(usage("vertex_ai", "claude-sonnet-4@20250514", 1_000_000, 1_000_000, 400_000, 100_000, 0)));
        assertCost(
                "30.00",
                "table",
                calc.cost(usage("vertex_ai", "claude-opus-4-5@20251101", 1_000_000, 1_000_000, 0, 0, 0)));
    }

    @Test
    void cohereAndFireworksRowsFromLiteLlm() {
        // LiteLLM's prices of 2026-12-07, 1M in + 1M out: command-r-plus-08-2024 finds cohere/command-r-plus
        // (2.50 + 10.00), command-r-08-2024 cohere/command-r (0.15 + 0.60), command-r7b its own row (0.0375 + 0.15)
        assertCost(
                "12.50", "table", calc.cost(usage("cohere", "command-r-plus-08-2024", 1_000_000, 1_000_000, 0, 0, 0)));
        assertCost("0.75", "table", calc.cost(usage("cohere", "command-r-08-2024", 1_000_000, 1_000_000, 0, 0, 0)));
        assertCost("0.1875", "table", calc.cost(usage("cohere", "command-r7b-12-2024", 1_000_000, 1_000_000, 0, 0, 0)));
        // a Cohere model LiteLLM does not price does not borrow command-r's price
        assertCost(
                "0",
                "unpriced",
                calc.cost(usage("cohere", "command-r7b-arabic-02-2025", 1_000_000, 1_000_000, 0, 0, 0)));
        // embed-english-v3.0: 0.10 per 1M -> 20,000 tokens = 0.002
        assertCost("0.002", "table", calc.cost(usage("cohere", "embed-english-v3.0", 20_000, 0, 0, 0, 0)));
        // Fireworks' deepseek-v3 is 0.90 / 0.90, not Together's deepseek-v3 row (1.25 / 1.25)
        assertCost(
                "1.80",
                "table",
                calc.cost(usage(
                        "openai_compatible", "accounts/fireworks/models/deepseek-v3", 1_000_000, 1_000_000, 0, 0, 0)));
        assertCost(
                "2.50",
                "table",
                calc.cost(usage("openai_compatible", "deepseek-ai/DeepSeek-V3", 1_000_000, 1_000_000, 0, 0, 0)));
        // deepseek-v4-flash: 0.14 in, 0.028 cached, 0.28 out. 800k * 1.4e-7 = 0.112; 200k * 2.8e-8 = 0.0056;
        // 1M * 2.8e-7 = 0.28 -> 0.3976
        assertCost(
                "0.3976",
                "table",
                calc.cost(usage(
                        "openai_compatible",
                        "accounts/fireworks/models/deepseek-v4-flash",
                        1_000_000,
                        1_000_000,
                        200_000,
                        0,
                        0)));
        assertCost(
                "1.10",
                "table",
                calc.cost(usage(
                        "openai_compatible",
                        "accounts/fireworks/models/llama4-maverick-instruct-basic",
                        1_000_000,
                        1_000_000,
                        0,
                        0,
                        0)));
    }

    @Test
    void anthropicCacheReadsAndWritesArePricedApart() {
        // claude-sonnet-4: $3 in, $0.30 cache read, $3.75 cache write (5m), $15 out per 1M.
        // 2000 uncached * 3e-6 = 0.006; 6000 read * 3e-7 = 0.0018; 2000 write * 3.75e-6 = 0.0075;
        // 500 out * 1.5e-5 = 0.0075 -> 0.0228
        assertCost(
                "0.0228",
                "table",
                calc.cost(usage("anthropic", "claude-sonnet-4-20250514", 10_000, 500, 6000, 2000, 0)));
    }

    @Test
    void bedrockInferenceProfilesArePricedByRegionScope() {
        // the us. cross-region profile of Claude Sonnet 4.5 costs 10% more than in-region or global:
        // $3.30 in, $16.50 out per 1M -> 1M + 1M = 19.80; the in-region model id is $3 / $15 -> 18.00
        assertCost(
                "19.80",
                "table",
                calc.cost(usage(
                        "bedrock", "us.anthropic.claude-sonnet-4-5-20250929-v1:0", 1_000_000, 1_000_000, 0, 0, 0)));
        assertCost(
                "18.00",
                "table",
                calc.cost(
                        usage("bedrock", "anthropic.claude-sonnet-4-5-20250929-v1:0", 1_000_000, 1_000_000, 0, 0, 0)));
    }

    @Test
    void geminiCachedTokensAreReadPriceAndThoughtsAreOutput() {
        // gemini-2.5-flash: $0.30 in, $0.03 cached, $2.50 out (thinking included) per 1M.
        // 8000 uncached * 3e-7 = 0.0024; 2000 cached * 3e-8 = 0.00006; 1000 out * 2.5e-6 = 0.0025 -> 0.00496
        assertCost("0.00496", "table", calc.cost(usage("gemini", "gemini-2.5-flash", 10_000, 1000, 2000, 0, 600)));
    }

    @Test
    void reasoningTokensAreBilledAsOutput() {
        // o3: $2 in, $8 out. 2000 * 2e-6 = 0.004; (500 visible + 2500 reasoning) * 8e-6 = 0.024
        assertCost("0.028", "table", calc.cost(usage("openai", "o3", 2000, 3000, 0, 0, 2500)));
    }

    @Test
    void azureUsesItsOwnEntries() {
        assertCost("0.75", "table", calc.cost(usage("azure", "gpt-4o-mini", 1_000_000, 1_000_000, 0, 0, 0)));
    }

    @Test
    void embeddings() {
        // text-embedding-3-small: $0.02 per 1M -> 5000 tokens = 0.0001
        assertCost("0.0001", "table", calc.cost(usage("openai", "text-embedding-3-small", 5000, 0, 0, 0, 0)));
    }

    @Test
    void gatewayPricesWin() {
        var u = new CostCalculator.Usage(
                "openai_compatible",
                "my-local-model",
                "my-model",
                1234,
                56,
                0,
                0,
                0,
                false,
                new BigDecimal("0.000001"),
                new BigDecimal("0.000002"));
        // 1234 * 1e-6 + 56 * 2e-6 = 0.001234 + 0.000112
        assertCost("0.001346", "gateway", calc.cost(u));
    }

    @Test
    void gatewayPricesKeepTheTablesCacheRatio() {
        // gateway says gpt-4o input is $2/M (negotiated); the table's cached ratio is 1.25/2.50 = 0.5
        var u = new CostCalculator.Usage(
                "openai",
                "gpt-4o",
                "gpt-4o",
                2000,
                0,
                1000,
                0,
                0,
                false,
                new BigDecimal("0.000002"),
                new BigDecimal("0.000008"));
        // 1000 uncached * 2e-6 = 0.002; 1000 cached * 1e-6 = 0.001
        assertCost("0.003", "gateway", calc.cost(u));
    }

    @Test
    void gatewayPricesForAnUnknownAnthropicModelUseAnthropicsCacheRatios() {
        var u = new CostCalculator.Usage(
                "anthropic",
                "claude-next",
                "claude-next",
                1000,
                10,
                500,
                100,
                0,
                false,
                new BigDecimal("0.00001"),
                new BigDecimal("0.00005"));
        // 400 * 1e-5 = 0.004; 500 * 1e-6 = 0.0005; 100 * 1.25e-5 = 0.00125; 10 * 5e-5 = 0.0005
        assertCost("0.00625", "gateway", calc.cost(u));
    }

    @Test
    void cacheHitsUnknownAndLocalModelsCostNothing() {
        var hit = new CostCalculator.Usage("openai", "gpt-4o", "gpt-4o", 1000, 100, 0, 0, 0, true, null, null);
        assertCost("0", "cache_hit", calc.cost(hit));
        assertCost("0", "unpriced", calc.cost(usage("openai_compatible", "mystery-7b", 1000, 100, 0, 0, 0)));
        assertCost("0", "local", calc.cost(usage("ollama", "llama3.2", 1000, 100, 0, 0, 0)));
    }

    @Test
    void smallestPricesStayExact() {
        // gpt-5-nano cached input: $0.005 per 1M = 5e-9 per token; 1 token -> 0.000000005
        assertCost("0.000000005", "table", calc.cost(usage("openai", "gpt-5-nano", 1, 0, 1, 0, 0)));
    }

    @Test
    void overrideFileReplacesAndAddsModels(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("prices.json");
        Files.writeString(f, """
                {"models": {"gpt-4o": {"provider": "openai", "input": "1.00", "output": "4.00"},
                            "acme-llm": {"provider": "openai_compatible", "input": "0.5", "output": "0.5"}}}
                """);
        CostCalculator c = new CostCalculator(new PriceTable(new ObjectMapper(), Optional.of(f)));
        // 1000 * 1e-6 + 1000 * 4e-6 = 0.005 (cached bucket gone with the override: billed as input)
        assertCost("0.005", "table", c.cost(usage("openai", "gpt-4o", 1000, 1000, 0, 0, 0)));
        assertCost("0.001", "table", c.cost(usage("openai_compatible", "acme-llm", 1000, 1000, 0, 0, 0)));
    }

    @Test
    void tableHasAHeaderNamingSourceAndDate() {
        assertEquals("2026-11-28", TABLE.date());
    }
}
