package com.acme.mpc.cost.admin;

import java.util.List;
import java.util.Map;

/**
 * Fields of LiteLLM's admin response models that this service has no stored value for. They are answered as null (or
 * LiteLLM's empty default) so clients that read them, like LiteLLM's own SDK and UI, find every field they expect.
 */
public final class LiteLlmResponseFields {
    /** GenerateKeyResponse fields beyond what a key row holds (ids of objects this service does not have). */
    public static final List<String> KEY = List.of(
            "key_alias",
            "duration",
            "user_id",
            "team_id",
            "agent_id",
            "organization_id",
            "project_id",
            "budget_id",
            "max_parallel_requests",
            "tpm_limit",
            "rpm_limit",
            "budget_duration",
            "model_rpm_limit",
            "model_tpm_limit",
            "guardrails",
            "policies",
            "prompts",
            "object_permission",
            "tags",
            "enforced_params",
            "allowed_passthrough_routes",
            "allowed_vector_store_indexes",
            "rpm_limit_type",
            "tpm_limit_type",
            "router_settings",
            "access_group_ids",
            "litellm_budget_table",
            "created_by",
            "updated_by");

    /** GenerateKeyRequest fields whose LiteLLM default is an empty list or object rather than null. */
    private static final List<String> KEY_EMPTY_OBJECTS =
            List.of("aliases", "config", "permissions", "model_max_budget");

    private static final List<String> KEY_EMPTY_LISTS = List.of("allowed_cache_controls", "allowed_routes");

    /** LiteLLM_TeamTable fields a team does not hold unless the client set them. */
    static final List<String> TEAM = List.of(
            "organization_id",
            "team_member_permissions",
            "metadata",
            "tpm_limit",
            "rpm_limit",
            "router_settings",
            "access_group_ids",
            "max_parallel_requests",
            "model_id",
            "litellm_model_table",
            "object_permission",
            "object_permission_id");

    private static final List<String> TEAM_EMPTY_LISTS = List.of("admins", "members", "members_with_roles", "models");

    /** NewUserResponse fields of the user part. */
    static final List<String> USER = List.of("user_email", "user_role", "teams", "user_alias", "model_max_budget");

    /** LiteLLM_EndUserTable fields a customer does not hold unless the client set them. */
    static final List<String> CUSTOMER = List.of(
            "allowed_model_region",
            "default_model",
            "litellm_budget_table",
            "object_permission_id",
            "object_permission");

    /** LiteLLM_BudgetTable fields a budget does not hold unless the client set them. */
    static final List<String> BUDGET = List.of("max_parallel_requests", "tpm_limit", "rpm_limit", "model_max_budget");

    private LiteLlmResponseFields() {}

    /** Adds the key response fields that {@code key} lacks; {@code token_id} is the key's hash, as in LiteLLM. */
    public static Map<String, Object> key(Map<String, Object> key) {
        nulls(key, KEY);
        for (String f : KEY_EMPTY_OBJECTS) {
            key.putIfAbsent(f, Map.of());
        }
        for (String f : KEY_EMPTY_LISTS) {
            key.putIfAbsent(f, List.of());
        }
        key.putIfAbsent("token_id", key.get("token"));
        return key;
    }

    static void entity(EntityKind kind, Map<String, Object> m) {
        switch (kind) {
            case TEAM -> {
                nulls(m, TEAM);
                for (String f : TEAM_EMPTY_LISTS) {
                    m.putIfAbsent(f, List.of());
                }
            }
            case USER -> nulls(m, USER);
            case CUSTOMER -> nulls(m, CUSTOMER);
            case BUDGET -> nulls(m, BUDGET);
        }
    }

    private static void nulls(Map<String, Object> m, List<String> fields) {
        for (String f : fields) {
            m.putIfAbsent(f, null);
        }
    }
}
