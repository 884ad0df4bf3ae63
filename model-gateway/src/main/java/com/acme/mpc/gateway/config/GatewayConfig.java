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
 * @param names how a requested model name finds its group (exact, alias, deployment id, wildcard)
 * @param providerAccess each provider's base URL and key from the environment, for {@code model: "*"} deployments
 * @param allowClientSideCredentials {@code general_settings.allow_client_side_credentials}: a request may carry its
 *     own {@code api_key}/{@code api_base} for the deployment it is routed to
 * @param storedIds ids of the deployments added at run time ({@code /model/new}, stored by cost-tracker); the others
 *     come from the config file
 */
public record GatewayConfig(
        Path source,
        List<Deployment> deployments,
        Map<String, List<Deployment>> groups,
        String masterKey,
        RouterSettings router,
        CacheSettings cache,
        boolean dropParams,
        ModelNames names,
        Map<ProviderKind, ProviderAccess> providerAccess,
        boolean allowClientSideCredentials,
        java.util.Set<String> storedIds) {

    /** A provider's endpoint as the environment gives it (LiteLLM's variables), for wildcard deployments. */
    public record ProviderAccess(java.net.URI apiBase, String apiKey) {}

    /**
     * This (file) config with {@code stored} deployments served on top of its own; aliases, router and cache settings
     * stay the file's.
     */
    public GatewayConfig withStored(List<Deployment> stored) {
        List<Deployment> all = new java.util.ArrayList<>(deployments);
        all.addAll(stored);
        Map<String, List<Deployment>> allGroups = groupByModelName(all);
        java.util.Set<String> ids = new java.util.LinkedHashSet<>();
        stored.forEach(d -> ids.add(d.id()));
        return new GatewayConfig(
                source,
                List.copyOf(all),
                allGroups,
                masterKey,
                router,
                cache,
                dropParams,
                new ModelNames(allGroups, names.aliases()),
                providerAccess,
                allowClientSideCredentials,
                java.util.Collections.unmodifiableSet(ids));
    }

    public static Map<String, List<Deployment>> groupByModelName(List<Deployment> deployments) {
        Map<String, List<Deployment>> groups = new LinkedHashMap<>();
        for (Deployment d : deployments) {
            groups.computeIfAbsent(d.modelName(), k -> new java.util.ArrayList<>())
                    .add(d);
        }
        groups.replaceAll((k, v) -> List.copyOf(v));
        return java.util.Collections.unmodifiableMap(groups);
    }

    /**
     * The deployments serving a requested model name: its group, an alias's group, a deployment id's deployment or a
     * wildcard group; null when none does.
     */
    public List<Deployment> group(String modelName) {
        List<Deployment> exact = groups.get(modelName);
        if (exact != null) {
            return exact;
        }
        String resolved = names.resolve(modelName);
        return resolved == null ? null : names.deployments(resolved);
    }

    /** The group name (or deployment id) the router knows a requested model name by; null when none serves it. */
    public String resolve(String modelName) {
        return names.resolve(modelName);
    }
}
