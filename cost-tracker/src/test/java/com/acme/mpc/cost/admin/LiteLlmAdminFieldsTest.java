package com.acme.mpc.cost.admin;

import static com.acme.mpc.cost.TestSupport.admin;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.acme.mpc.cost.TestDatabase;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The admin routes against the field lists of LiteLLM's own pydantic models: a request carrying every field of
 * LiteLLM's request model is accepted, and the answer carries every field of LiteLLM's response model (null where
 * this service has no value). The lists hold field names only, read from LiteLLM's litellm/proxy/_types.py (and
 * litellm/models/end_user.py for the end-user table) on 2026-12-07.
 */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class LiteLlmAdminFieldsTest {
    /** LiteLLM GenerateRequestBase (shared by the key and user requests), read 2026-12-07. */
    static final List<String> GENERATE_REQUEST_BASE = List.of(
            "key_alias",
            "duration",
            "models",
            "spend",
            "max_budget",
            "user_id",
            "team_id",
            "agent_id",
            "max_parallel_requests",
            "metadata",
            "tpm_limit",
            "rpm_limit",
            "budget_duration",
            "allowed_cache_controls",
            "config",
            "permissions",
            "model_max_budget",
            "model_rpm_limit",
            "model_tpm_limit",
            "guardrails",
            "policies",
            "prompts",
            "blocked",
            "aliases",
            "object_permission");

    /** LiteLLM KeyRequestBase's own fields (on top of GenerateRequestBase), read 2026-12-07. */
    static final List<String> KEY_REQUEST_BASE = List.of(
            "key",
            "budget_id",
            "tags",
            "enforced_params",
            "allowed_routes",
            "allowed_passthrough_routes",
            "allowed_vector_store_indexes",
            "rpm_limit_type",
            "tpm_limit_type",
            "router_settings",
            "access_group_ids");

    /** LiteLLM GenerateKeyRequest = KeyRequestBase + these, read 2026-12-07. */
    static final List<String> GENERATE_KEY_REQUEST = concat(
            GENERATE_REQUEST_BASE,
            KEY_REQUEST_BASE,
            List.of(
                    "soft_budget",
                    "send_invite_email",
                    "key_type",
                    "auto_rotate",
                    "rotation_interval",
                    "organization_id",
                    "project_id"));

    /** LiteLLM GenerateKeyResponse = KeyRequestBase + these, read 2026-12-07. */
    static final List<String> GENERATE_KEY_RESPONSE = concat(
            GENERATE_REQUEST_BASE,
            KEY_REQUEST_BASE,
            List.of(
                    "key",
                    "key_name",
                    "expires",
                    "user_id",
                    "token_id",
                    "organization_id",
                    "project_id",
                    "litellm_budget_table",
                    "token",
                    "created_by",
                    "updated_by",
                    "created_at",
                    "updated_at"));

    /** LiteLLM TeamBase (shared by NewTeamRequest and LiteLLM_TeamTable), read 2026-12-07. */
    static final List<String> TEAM_BASE = List.of(
            "team_alias",
            "team_id",
            "organization_id",
            "admins",
            "members",
            "members_with_roles",
            "team_member_permissions",
            "metadata",
            "tpm_limit",
            "rpm_limit",
            "max_budget",
            "soft_budget",
            "budget_duration",
            "models",
            "blocked",
            "router_settings",
            "access_group_ids");

    /** LiteLLM NewTeamRequest = TeamBase + these, read 2026-12-07. */
    static final List<String> NEW_TEAM_REQUEST = concat(
            TEAM_BASE,
            List.of(
                    "model_aliases",
                    "tags",
                    "guardrails",
                    "policies",
                    "prompts",
                    "object_permission",
                    "allowed_passthrough_routes",
                    "secret_manager_settings",
                    "model_rpm_limit",
                    "rpm_limit_type",
                    "tpm_limit_type",
                    "model_tpm_limit",
                    "team_member_budget",
                    "team_member_rpm_limit",
                    "team_member_tpm_limit",
                    "team_member_key_duration",
                    "team_member_budget_duration",
                    "allowed_vector_store_indexes",
                    "enforced_batch_output_expires_after",
                    "enforced_file_expires_after"));

    /** LiteLLM LiteLLM_TeamTable = TeamBase + these, read 2026-12-07. */
    static final List<String> TEAM_TABLE = concat(
            TEAM_BASE,
            List.of(
                    "spend",
                    "max_parallel_requests",
                    "budget_reset_at",
                    "model_id",
                    "litellm_model_table",
                    "object_permission",
                    "updated_at",
                    "created_at",
                    "object_permission_id"));

    /** LiteLLM NewUserRequest = GenerateRequestBase + these, read 2026-12-07. */
    static final List<String> NEW_USER_REQUEST = concat(
            GENERATE_REQUEST_BASE,
            List.of(
                    "user_email",
                    "user_alias",
                    "user_role",
                    "teams",
                    "auto_create_key",
                    "send_invite_email",
                    "sso_user_id",
                    "organizations",
                    "password"));

    /** LiteLLM NewUserResponse = GenerateKeyResponse + these, read 2026-12-07. */
    static final List<String> NEW_USER_RESPONSE = concat(
            GENERATE_KEY_RESPONSE,
            List.of(
                    "max_budget",
                    "user_email",
                    "user_role",
                    "teams",
                    "user_alias",
                    "model_max_budget",
                    "created_at",
                    "updated_at"));

    /** LiteLLM BudgetNewRequest, read 2026-12-07. */
    static final List<String> BUDGET_NEW_REQUEST = List.of(
            "budget_id",
            "max_budget",
            "soft_budget",
            "max_parallel_requests",
            "tpm_limit",
            "rpm_limit",
            "budget_duration",
            "model_max_budget",
            "budget_reset_at");

    /** LiteLLM LiteLLM_BudgetTable, read 2026-12-07. */
    static final List<String> BUDGET_TABLE = List.of(
            "budget_id",
            "soft_budget",
            "max_budget",
            "max_parallel_requests",
            "tpm_limit",
            "rpm_limit",
            "model_max_budget",
            "budget_duration");

    /** LiteLLM NewCustomerRequest = BudgetNewRequest + these, read 2026-12-07. */
    static final List<String> NEW_CUSTOMER_REQUEST = concat(
            BUDGET_NEW_REQUEST,
            List.of(
                    "user_id",
                    "alias",
                    "blocked",
                    "spend",
                    "allowed_model_region",
                    "default_model",
                    "object_permission"));

    /** LiteLLM LiteLLM_EndUserTable, read 2026-12-07. */
    static final List<String> END_USER_TABLE = List.of(
            "user_id",
            "blocked",
            "alias",
            "spend",
            "allowed_model_region",
            "default_model",
            "budget_id",
            "litellm_budget_table",
            "object_permission_id",
            "object_permission");

    @SafeVarargs
    private static List<String> concat(List<String>... lists) {
        return Stream.of(lists).flatMap(List::stream).distinct().toList();
    }

    private static String id(String prefix) {
        return prefix + "-" + UUID.randomUUID();
    }

    /** A plausible value of each field LiteLLM accepts, by field name. */
    private static Object sample(String field, Map<String, Object> given) {
        if (given.containsKey(field)) {
            return given.get(field);
        }
        return switch (field) {
            case "duration", "budget_duration", "team_member_key_duration", "team_member_budget_duration" -> "30d";
            case "rotation_interval" -> "90d";
            case "spend" -> 0;
            case "max_budget", "soft_budget", "team_member_budget" -> 10;
            case "max_parallel_requests", "tpm_limit", "rpm_limit", "team_member_rpm_limit", "team_member_tpm_limit" ->
                5;
            case "blocked", "auto_rotate", "send_invite_email" -> false;
            case "auto_create_key" -> true;
            case "rpm_limit_type", "tpm_limit_type" -> "best_effort_throughput";
            case "key_type" -> "llm_api";
            case "user_role" -> "internal_user";
            case "user_email" -> "ann@example.com";
            case "allowed_model_region" -> "eu";
            case "budget_reset_at" -> "2027-01-01T00:00:00Z";
            case "password" -> "a-password-never-returned";
            case "models" -> List.of("gpt-4o");
            case "model_rpm_limit", "model_tpm_limit" -> Map.of("gpt-4o", 5);
            case "object_permission" -> Map.of("vector_stores", List.of("vs-1"));
            case "allowed_vector_store_indexes" ->
                List.of(Map.of("index_name", "docs", "index_permissions", List.of("read")));
            case "members_with_roles" -> List.of(Map.of("user_id", "ann", "role", "admin"));
            case "metadata",
                    "config",
                    "permissions",
                    "model_max_budget",
                    "aliases",
                    "model_aliases",
                    "router_settings",
                    "secret_manager_settings",
                    "enforced_batch_output_expires_after",
                    "enforced_file_expires_after" -> Map.of();
            case "allowed_cache_controls",
                    "guardrails",
                    "policies",
                    "prompts",
                    "tags",
                    "enforced_params",
                    "allowed_routes",
                    "allowed_passthrough_routes",
                    "access_group_ids",
                    "admins",
                    "members",
                    "team_member_permissions",
                    "teams",
                    "organizations" -> List.of();
            default -> field + "-value";
        };
    }

    private static Map<String, Object> everyField(List<String> fields, Map<String, Object> given) {
        Map<String, Object> body = new LinkedHashMap<>();
        for (String f : fields) {
            body.put(f, sample(f, given));
        }
        return body;
    }

    private static void assertHasEvery(List<String> fields, Map<String, ?> answer, String model) {
        List<String> missing = new ArrayList<>();
        for (String f : fields) {
            if (!answer.containsKey(f)) {
                missing.add(f);
            }
        }
        assertEquals(List.of(), missing, "fields of LiteLLM's " + model + " missing from the answer");
    }

    private static Map<String, Object> post(String path, Object body) {
        return admin().body(body)
                .post(path)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getMap("$");
    }

    private String budget() {
        String budget = id("budget");
        post("/budget/new", Map.of("budget_id", budget));
        return budget;
    }

    @Test
    void keysTakeEveryGenerateKeyRequestFieldAndAnswerEveryGenerateKeyResponseField() {
        String team = id("team");
        post("/team/new", Map.of("team_id", team));
        Map<String, Object> full = post(
                "/key/generate",
                everyField(
                        GENERATE_KEY_REQUEST,
                        Map.of(
                                "key",
                                "sk-" + UUID.randomUUID(),
                                "team_id",
                                team,
                                "budget_id",
                                budget(),
                                "key_alias",
                                id("alias"))));
        assertHasEvery(GENERATE_KEY_RESPONSE, full, "GenerateKeyResponse");
        assertEquals(full.get("token"), full.get("token_id"));

        Map<String, Object> minimal = post("/key/generate", Map.of());
        assertHasEvery(GENERATE_KEY_RESPONSE, minimal, "GenerateKeyResponse");
    }

    @Test
    void teamsTakeEveryNewTeamRequestFieldAndAnswerEveryTeamTableField() {
        Map<String, Object> full = post("/team/new", everyField(NEW_TEAM_REQUEST, Map.of("team_id", id("team"))));
        assertHasEvery(TEAM_TABLE, full, "LiteLLM_TeamTable");

        String team = id("team");
        Map<String, Object> minimal = post("/team/new", Map.of("team_id", team));
        assertHasEvery(TEAM_TABLE, minimal, "LiteLLM_TeamTable");
        Map<String, Object> info = admin().get("/team/info?team_id=" + team)
                .then()
                .statusCode(200)
                .extract()
                .path("team_info");
        assertHasEvery(TEAM_TABLE, info, "LiteLLM_TeamTable");
    }

    @Test
    void usersTakeEveryNewUserRequestFieldAndAnswerEveryNewUserResponseFieldButNeverThePassword() {
        Map<String, Object> body = everyField(NEW_USER_REQUEST, Map.of("user_id", id("user"), "key_alias", id("a")));
        String raw = admin().body(body)
                .post("/user/new")
                .then()
                .statusCode(200)
                .body(not(containsString("a-password-never-returned")))
                .extract()
                .asString();
        Map<String, Object> full = io.restassured.path.json.JsonPath.from(raw).getMap("$");
        assertHasEvery(NEW_USER_RESPONSE, full, "NewUserResponse");
        admin().get("/user/info?user_id=" + body.get("user_id"))
                .then()
                .statusCode(200)
                .body(not(containsString("a-password-never-returned")));

        assertHasEvery(NEW_USER_RESPONSE, post("/user/new", Map.of("user_id", id("user"))), "NewUserResponse");
        assertHasEvery(
                NEW_USER_RESPONSE,
                post("/user/new", Map.of("user_id", id("user"), "auto_create_key", false)),
                "NewUserResponse");
    }

    @Test
    void customersTakeEveryNewCustomerRequestFieldAndAnswerEveryEndUserTableField() {
        // LiteLLM refuses max_budget together with budget_id, so each is sent in its own request
        List<String> withMaxBudget = NEW_CUSTOMER_REQUEST.stream()
                .filter(f -> !f.equals("budget_id"))
                .toList();
        Map<String, Object> full = post("/customer/new", everyField(withMaxBudget, Map.of("user_id", id("cust"))));
        assertHasEvery(END_USER_TABLE, full, "LiteLLM_EndUserTable");
        List<String> withBudgetId = NEW_CUSTOMER_REQUEST.stream()
                .filter(f -> !f.equals("max_budget"))
                .toList();
        post("/end_user/new", everyField(withBudgetId, Map.of("user_id", id("cust"), "budget_id", budget())));

        String customer = id("cust");
        post("/customer/new", Map.of("user_id", customer));
        Map<String, Object> info = admin().get("/customer/info?end_user_id=" + customer)
                .then()
                .statusCode(200)
                .extract()
                .path("$");
        assertHasEvery(END_USER_TABLE, info, "LiteLLM_EndUserTable");
    }

    @Test
    void budgetsTakeEveryBudgetNewRequestFieldAndAnswerEveryBudgetTableField() {
        Map<String, Object> full = post("/budget/new", everyField(BUDGET_NEW_REQUEST, Map.of("budget_id", id("b"))));
        assertHasEvery(BUDGET_TABLE, full, "LiteLLM_BudgetTable");

        String budget = budget();
        List<Map<String, Object>> info = admin().body(Map.of("budgets", List.of(budget)))
                .post("/budget/info")
                .then()
                .statusCode(200)
                .extract()
                .path("$");
        assertHasEvery(BUDGET_TABLE, info.get(0), "LiteLLM_BudgetTable");
    }
}
