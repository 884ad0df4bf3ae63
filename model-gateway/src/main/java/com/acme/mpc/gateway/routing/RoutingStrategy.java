package com.acme.mpc.gateway.routing;

/** LiteLLM's {@code router_settings.routing_strategy} values. */
public enum RoutingStrategy {
    SIMPLE_SHUFFLE,
    LEAST_BUSY,
    LATENCY_BASED,
    USAGE_BASED,
    COST_BASED;

    /** The config loader already rejected unknown names; usage-based-routing-v2 is the same policy here. */
    public static RoutingStrategy of(String name) {
        return switch (name == null ? "simple-shuffle" : name) {
            case "least-busy" -> LEAST_BUSY;
            case "latency-based-routing" -> LATENCY_BASED;
            case "usage-based-routing", "usage-based-routing-v2" -> USAGE_BASED;
            case "cost-based-routing" -> COST_BASED;
            default -> SIMPLE_SHUFFLE;
        };
    }
}
