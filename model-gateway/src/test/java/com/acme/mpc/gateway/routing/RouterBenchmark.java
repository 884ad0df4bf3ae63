package com.acme.mpc.gateway.routing;

import com.acme.mpc.gateway.config.ConfigLoader;
import com.acme.mpc.gateway.config.GatewayConfig;
import java.util.Locale;

/**
 * Per-request cost of the routing decision with 50 deployments in one group, per strategy: {@code pick} alone, and
 * the full in-process cycle of a request (pick + count the request + in-flight + success accounting). Not a test:
 * run with {@code model-gateway/bench/router-bench.sh}. Single thread, after warm-up; prints a Markdown table.
 */
public final class RouterBenchmark {
    private static final int DEPLOYMENTS = 50;

    public static void main(String[] args) {
        long measureNanos = (args.length > 0 ? Long.parseLong(args[0]) : 2000) * 1_000_000L;
        System.out.println("| strategy | pick (ns/decision) | pick + accounting (ns/request) |");
        System.out.println("|---|---:|---:|");
        long sink = 0;
        for (RoutingStrategy s : RoutingStrategy.values()) {
            Router router = new Router(config(name(s)), null);
            // warm-up: let the JIT compile both paths
            sink += loop(router, false, measureNanos / 2);
            sink += loop(router, true, measureNanos / 2);
            double pick = measure(router, false, measureNanos);
            double cycle = measure(router, true, measureNanos);
            System.out.printf(Locale.ROOT, "| %s | %.0f | %.0f |%n", name(s), pick, cycle);
        }
        System.out.println();
        sink += names(measureNanos);
        if (sink == 42) {
            System.out.println();
        }
    }

    /**
     * The routing of one request by the name the client sent, as the request path does it: resolve the name to a
     * group ({@code GatewayConfig.resolve}: exact, alias, deployment id, wildcard), pick a deployment, and let a
     * wildcard deployment serve the concrete model ({@link WildcardDeployments#serve}, memoised). simple-shuffle.
     */
    private static long names(long measureNanos) {
        GatewayConfig config = namesConfig();
        Router router = new Router(config, null);
        WildcardDeployments wildcards = new WildcardDeployments(config);
        String[][] cases = {
            {"exact name, 50 deployments", "bench"},
            {"alias (model_group_alias) of it", "bench-alias"},
            {"exact name, 1 deployment", "single"},
            {"provider wildcard openai/*, 1 deployment", "openai/gpt-4.1-mini"},
            {"catch-all *, 1 deployment", "mistral/mistral-small-latest"},
        };
        System.out.println("| requested name | resolve + pick + serve (ns/request) |");
        System.out.println("|---|---:|");
        long sink = 0;
        for (String[] c : cases) {
            sink += route(config, router, wildcards, c[1], measureNanos / 2);
            long start = System.nanoTime();
            long n = route(config, router, wildcards, c[1], measureNanos);
            System.out.printf(Locale.ROOT, "| %s | %.0f |%n", c[0], (System.nanoTime() - start) / (double) n);
            sink += n;
        }
        return sink;
    }

    private static long route(
            GatewayConfig config, Router router, WildcardDeployments wildcards, String requested, long nanos) {
        long deadline = System.nanoTime() + nanos;
        long n = 0;
        while (System.nanoTime() < deadline) {
            for (int i = 0; i < 1000; i++) {
                String group = config.resolve(requested);
                DeploymentState s = router.pick(group, null);
                if (wildcards.serve(s.deployment(), requested).upstreamModel() == null) {
                    throw new IllegalStateException();
                }
            }
            n += 1000;
        }
        return n;
    }

    /** The 50-deployment group with an alias, a one-deployment group, an openai/* wildcard and a catch-all. */
    static GatewayConfig namesConfig() {
        StringBuilder yaml = new StringBuilder("model_list:\n");
        for (int i = 0; i < DEPLOYMENTS; i++) {
            yaml.append("  - model_name: bench\n    litellm_params: {model: openai/m")
                    .append(i)
                    .append(", mock_response: x, weight: ")
                    .append(1 + i % 5)
                    .append(", rpm: 1000000000, tpm: 2000000000}\n    model_info: {id: d")
                    .append(i)
                    .append("}\n");
        }
        yaml.append("  - model_name: single\n    litellm_params: {model: openai/single, mock_response: x}\n")
                .append("  - model_name: \"openai/*\"\n")
                .append("    litellm_params: {model: \"openai/*\", api_base: \"http://127.0.0.1:9\", api_key: k}\n")
                .append("  - model_name: \"*\"\n")
                .append("    litellm_params: {model: \"*\", api_base: \"http://127.0.0.1:9\", api_key: k}\n")
                .append("router_settings: {model_group_alias: {bench-alias: bench}}\n");
        return new ConfigLoader(n -> null).parse(yaml.toString(), "bench-names");
    }

    private static double measure(Router router, boolean cycle, long nanos) {
        long start = System.nanoTime();
        long n = loop(router, cycle, nanos);
        return (System.nanoTime() - start) / (double) n;
    }

    private static long loop(Router router, boolean cycle, long nanos) {
        long deadline = System.nanoTime() + nanos;
        long n = 0;
        while (System.nanoTime() < deadline) {
            for (int i = 0; i < 1000; i++) {
                DeploymentState s = router.pick("bench", null);
                if (cycle) {
                    long now = System.currentTimeMillis();
                    s.countRequest(now);
                    router.started(s);
                    router.succeeded(s, 1_000_000 + (i & 63) * 10_000L, 0);
                }
            }
            n += 1000;
        }
        return n;
    }

    static String name(RoutingStrategy s) {
        return switch (s) {
            case SIMPLE_SHUFFLE -> "simple-shuffle";
            case LEAST_BUSY -> "least-busy";
            case LATENCY_BASED -> "latency-based-routing";
            case USAGE_BASED -> "usage-based-routing";
            case COST_BASED -> "cost-based-routing";
        };
    }

    /** 50 deployments with weights, huge rpm/tpm limits (checked but never reached) and distinct prices. */
    static GatewayConfig config(String strategy) {
        StringBuilder yaml = new StringBuilder("model_list:\n");
        for (int i = 0; i < DEPLOYMENTS; i++) {
            yaml.append("  - model_name: bench\n    litellm_params: {model: openai/m")
                    .append(i)
                    .append(", mock_response: x, weight: ")
                    .append(1 + i % 5)
                    .append(", rpm: 1000000000, tpm: 2000000000}\n    model_info: {id: d")
                    .append(i)
                    .append(", input_cost_per_token: ")
                    .append(String.format(Locale.ROOT, "%.9f", 0.000001 * (1 + i % 7)))
                    .append("}\n");
        }
        yaml.append("router_settings: {routing_strategy: ").append(strategy).append("}\n");
        return new ConfigLoader(n -> null).parse(yaml.toString(), "bench");
    }
}
