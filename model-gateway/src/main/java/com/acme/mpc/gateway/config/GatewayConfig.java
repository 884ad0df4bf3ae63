package com.acme.mpc.gateway.config;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parsed, validated LiteLLM-format configuration. Immutable; built by {@link ConfigLoader}.
 *
 * @param source the file it was read from (for messages), or null when built in code
 * @param masterKey {@code general_settings.master_key}; null disables authentication
 */
public record GatewayConfig(
        Path source,
        List<Deployment> deployments,
        Map<String, List<Deployment>> groups,
        String masterKey,
        RouterSettings router,
        CacheSettings cache,
        boolean dropParams) {

    public static Map<String, List<Deployment>> groupByModelName(List<Deployment> deployments) {
        Map<String, List<Deployment>> groups = new LinkedHashMap<>();
        for (Deployment d : deployments) {
            groups.computeIfAbsent(d.modelName(), k -> new java.util.ArrayList<>())
                    .add(d);
        }
        groups.replaceAll((k, v) -> List.copyOf(v));
        return java.util.Collections.unmodifiableMap(groups);
    }

    public List<Deployment> group(String modelName) {
        return groups.get(modelName);
    }
}
