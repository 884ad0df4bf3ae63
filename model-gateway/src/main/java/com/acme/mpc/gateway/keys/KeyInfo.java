package com.acme.mpc.gateway.keys;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A virtual key as cost-tracker describes it ({@code GET /internal/keys/{hash}}, docs/contracts.md). Never holds the
 * key itself.
 */
public record KeyInfo(
        String keyHash,
        String keyAlias,
        String userId,
        String teamId,
        List<String> models,
        BigDecimal maxBudget,
        BigDecimal spend,
        Instant expires,
        boolean blocked,
        Integer rpmLimit,
        Integer tpmLimit,
        Integer maxParallelRequests,
        boolean budgetedLevels,
        Map<String, String> aliases,
        Team team) {

    /**
     * The key's team as the gateway enforces it: the key may call only models the team may ({@code models}, empty =
     * any), and the team's limits are shared by all its keys.
     */
    public record Team(
            String teamId, List<String> models, Integer rpmLimit, Integer tpmLimit, Integer maxParallelRequests) {}

    /** A key without aliases and without a team (tests). */
    public KeyInfo(
            String keyHash,
            String keyAlias,
            String userId,
            String teamId,
            List<String> models,
            BigDecimal maxBudget,
            BigDecimal spend,
            Instant expires,
            boolean blocked,
            Integer rpmLimit,
            Integer tpmLimit,
            Integer maxParallelRequests,
            boolean budgetedLevels) {
        this(
                keyHash,
                keyAlias,
                userId,
                teamId,
                models,
                maxBudget,
                spend,
                expires,
                blocked,
                rpmLimit,
                tpmLimit,
                maxParallelRequests,
                budgetedLevels,
                Map.of(),
                null);
    }

    public static KeyInfo parse(JsonNode n) {
        List<String> models = new ArrayList<>();
        JsonNode m = n.path("models");
        if (m.isArray()) {
            m.forEach(v -> models.add(v.asText()));
        }
        return new KeyInfo(
                n.path("key_hash").asText(null),
                text(n, "key_alias"),
                text(n, "user_id"),
                text(n, "team_id"),
                List.copyOf(models),
                decimal(n, "max_budget"),
                decimal(n, "spend"),
                instant(n, "expires"),
                n.path("blocked").asBoolean(false),
                integer(n, "rpm_limit"),
                integer(n, "tpm_limit"),
                integer(n, "max_parallel_requests"),
                n.path("budgeted_levels").asBoolean(false),
                aliases(n.get("aliases")),
                team(n.get("team"), text(n, "team_id")));
    }

    /** LiteLLM's {@code aliases}: a requested model name the key calls by another (group) name. */
    private static Map<String, String> aliases(JsonNode v) {
        if (v == null || !v.isObject()) {
            return Map.of();
        }
        Map<String, String> out = new HashMap<>();
        v.fields().forEachRemaining(e -> {
            if (e.getValue().isTextual()) {
                out.put(e.getKey(), e.getValue().textValue());
            }
        });
        return Map.copyOf(out);
    }

    private static Team team(JsonNode t, String teamId) {
        if (t == null || !t.isObject()) {
            return null;
        }
        List<String> models = new ArrayList<>();
        if (t.path("models").isArray()) {
            t.get("models").forEach(v -> models.add(v.asText()));
        }
        return new Team(
                t.path("team_id").asText(teamId),
                List.copyOf(models),
                integer(t, "rpm_limit"),
                integer(t, "tpm_limit"),
                integer(t, "max_parallel_requests"));
    }

    /** The group name a requested model stands for with this key ({@code aliases}), else the name itself. */
    public String aliased(String requested) {
        String target = requested == null ? null : aliases.get(requested);
        return target == null ? requested : target;
    }

    /**
     * Whether the key may call the model group: an empty list (or LiteLLM's {@code all-proxy-models}) allows every
     * group.
     */
    public boolean allows(String group) {
        return models.isEmpty()
                || models.contains(group)
                || models.contains("all-proxy-models")
                || models.contains("*");
    }

    public boolean expiredAt(Instant now) {
        return expires != null && !expires.isAfter(now);
    }

    /** What logs and errors may show: the alias, else the first 8 hex chars of the hash. */
    public String label() {
        return keyAlias != null ? keyAlias : shortHash(keyHash);
    }

    public static String shortHash(String hash) {
        return hash == null ? "-" : hash.substring(0, Math.min(8, hash.length())) + "...";
    }

    private static String text(JsonNode n, String f) {
        JsonNode v = n.get(f);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static Integer integer(JsonNode n, String f) {
        JsonNode v = n.get(f);
        return v == null || v.isNull() || !v.canConvertToInt() ? null : v.asInt();
    }

    private static BigDecimal decimal(JsonNode n, String f) {
        JsonNode v = n.get(f);
        if (v == null || v.isNull()) {
            return null;
        }
        try {
            return v.isNumber() ? v.decimalValue() : new BigDecimal(v.asText());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Instant instant(JsonNode n, String f) {
        String s = text(n, f);
        if (s == null) {
            return null;
        }
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            try {
                return java.time.OffsetDateTime.parse(s).toInstant();
            } catch (DateTimeParseException e2) {
                return null;
            }
        }
    }
}
