package com.acme.mpc.gateway.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How a requested model name finds its model group, as LiteLLM's router does: an exact {@code model_name} always
 * wins, then {@code router_settings.model_group_alias}, then a deployment id ({@code model_info.id}, e.g. a fallback
 * to one deployment), then the most specific wildcard group ({@code openai/*} before {@code *}). Built once at
 * startup; a lookup is one hash probe, plus a scan of the wildcard patterns only for names no group has.
 */
public final class ModelNames {
    private final Map<String, List<Deployment>> groups;
    private final Map<String, String> aliases;
    private final Map<String, Deployment> byId = new HashMap<>();
    private final List<String> wildcards = new ArrayList<>();
    /** The patterns' literal heads and tails, in {@link #wildcards} order: matched without allocating. */
    private String[] heads = new String[0];

    private String[] tails = new String[0];

    public ModelNames(Map<String, List<Deployment>> groups, Map<String, String> aliases) {
        this.groups = groups;
        this.aliases = Map.copyOf(aliases);
        for (List<Deployment> g : groups.values()) {
            for (Deployment d : g) {
                byId.put(d.id(), d);
            }
        }
        groups.keySet().stream()
                .filter(ModelNames::isPattern)
                // most literal characters first: "openai/gpt-4*" before "openai/*" before "*"
                .sorted(Comparator.comparingInt((String p) -> p.replace("*", "").length())
                        .reversed())
                .forEach(wildcards::add);
        heads = new String[wildcards.size()];
        tails = new String[wildcards.size()];
        for (int i = 0; i < wildcards.size(); i++) {
            String p = wildcards.get(i);
            int star = p.indexOf('*');
            heads[i] = p.substring(0, star);
            // a pattern with several stars is matched by captured(); its tail is left null
            tails[i] = p.indexOf('*', star + 1) >= 0 ? null : p.substring(star + 1);
        }
    }

    public static boolean isPattern(String name) {
        return name.indexOf('*') >= 0;
    }

    /** The group serving {@code requested}; null when none does. */
    public String resolve(String requested) {
        if (requested == null) {
            return null;
        }
        if (groups.containsKey(requested)) {
            return requested;
        }
        String alias = aliases.get(requested);
        if (alias != null) {
            return alias;
        }
        if (byId.containsKey(requested)) {
            return requested;
        }
        for (int i = 0; i < heads.length; i++) {
            String tail = tails[i];
            boolean match = tail == null
                    ? matches(wildcards.get(i), requested)
                    : requested.length() > heads[i].length() + tail.length()
                            && requested.startsWith(heads[i])
                            && requested.endsWith(tail);
            if (match) {
                return wildcards.get(i);
            }
        }
        return null;
    }

    /** The deployments a resolved name stands for: a group, or the one deployment of an id. */
    public List<Deployment> deployments(String resolved) {
        List<Deployment> g = groups.get(resolved);
        if (g != null) {
            return g;
        }
        Deployment d = byId.get(resolved);
        return d == null ? null : List.of(d);
    }

    /** Deployment ids that are not also group names: each is routed as a group of one. */
    public Map<String, Deployment> idsOnly() {
        Map<String, Deployment> out = new HashMap<>(byId);
        out.keySet().removeAll(groups.keySet());
        return out;
    }

    public Map<String, String> aliases() {
        return aliases;
    }

    /**
     * Whether a key limited to {@code keyModels} may call {@code requested}: by name, by a wildcard the key lists
     * ({@code openai/*}), or by an access group ({@code model_info.access_groups}) of the serving deployments.
     */
    public boolean keyAllows(List<String> keyModels, String requested) {
        if (keyModels.isEmpty()
                || keyModels.contains(requested)
                || keyModels.contains("*")
                || keyModels.contains("all-proxy-models")) {
            return true;
        }
        for (String m : keyModels) {
            if (isPattern(m) && matches(m, requested)) {
                return true;
            }
        }
        String group = resolve(requested);
        if (group != null && !group.equals(requested) && keyModels.contains(group)) {
            return true;
        }
        List<Deployment> served = group == null ? null : deployments(group);
        if (served != null) {
            for (Deployment d : served) {
                for (String ag : d.accessGroups()) {
                    if (keyModels.contains(ag)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** {@code *} matches any run of characters (LiteLLM's wildcard routing). */
    static boolean matches(String pattern, String name) {
        return captured(pattern, name) != null;
    }

    /** The text the (first) {@code *} of {@code pattern} matched in {@code name}, or null when it does not match. */
    public static String captured(String pattern, String name) {
        int star = pattern.indexOf('*');
        if (star < 0) {
            return pattern.equals(name) ? "" : null;
        }
        String head = pattern.substring(0, star);
        String tail = pattern.substring(star + 1);
        if (tail.indexOf('*') >= 0 || !name.startsWith(head) || !name.endsWith(tail)) {
            return tail.indexOf('*') >= 0 ? matchMany(pattern, name) : null;
        }
        if (name.length() < head.length() + tail.length()) {
            return null;
        }
        String middle = name.substring(head.length(), name.length() - tail.length());
        return middle.isEmpty() ? null : middle;
    }

    private static String matchMany(String pattern, String name) {
        String regex = "\\Q" + pattern.replace("*", "\\E(.+)\\Q") + "\\E";
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(regex).matcher(name);
        return m.matches() ? m.group(1) : null;
    }
}
