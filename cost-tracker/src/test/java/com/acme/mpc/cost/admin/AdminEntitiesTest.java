package com.acme.mpc.cost.admin;

import static com.acme.mpc.cost.TestSupport.admin;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import com.acme.mpc.cost.TestDatabase;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Teams, internal users, customers, budgets and the added key routes with LiteLLM's request and response field
 * names, against PostgreSQL.
 */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class AdminEntitiesTest {
    @Inject
    AgroalDataSource ds;

    private static String id(String prefix) {
        return prefix + "-" + UUID.randomUUID();
    }

    @Test
    void teamsLifecycleWithMembersBlockAndEveryFieldKept() {
        String team = id("team");
        admin().body(Map.of(
                        "team_id",
                        team,
                        "team_alias",
                        "Search",
                        "max_budget",
                        25,
                        "budget_duration",
                        "30d",
                        "rpm_limit",
                        100,
                        "tpm_limit",
                        5000,
                        "models",
                        List.of("gpt-4o"),
                        "metadata",
                        Map.of("cost_center", "42"),
                        "tags",
                        List.of("prod")))
                .post("/team/new")
                .then()
                .statusCode(200)
                .body("team_id", equalTo(team))
                .body("team_alias", equalTo("Search"))
                .body("max_budget", equalTo(25))
                .body("spend", equalTo(0))
                .body("budget_reset_at", notNullValue())
                .body("rpm_limit", equalTo(100))
                .body("models", hasItem("gpt-4o"))
                .body("metadata.cost_center", equalTo("42"))
                .body("tags", hasItem("prod"))
                .body("members_with_roles", hasSize(0))
                .body("blocked", equalTo(false));
        admin().body(Map.of("team_id", team)).post("/team/new").then().statusCode(400);

        String key = admin().body(Map.of("team_id", team))
                .post("/key/generate")
                .then()
                .statusCode(200)
                .extract()
                .path("token");
        admin().get("/team/info?team_id=" + team)
                .then()
                .statusCode(200)
                .body("team_id", equalTo(team))
                .body("team_info.team_alias", equalTo("Search"))
                .body("keys.token", hasItem(key));

        admin().body(Map.of(
                        "team_id",
                        team,
                        "member",
                        List.of(Map.of("role", "admin", "user_id", "ann"), Map.of("user_id", "bob"))))
                .post("/team/member_add")
                .then()
                .statusCode(200)
                .body("members_with_roles", hasSize(2))
                .body("members_with_roles.find { it.user_id == 'ann' }.role", equalTo("admin"))
                .body("members_with_roles.find { it.user_id == 'bob' }.role", equalTo("user"));
        admin().body(Map.of("team_id", team, "user_id", "ann"))
                .post("/team/member_delete")
                .then()
                .statusCode(200)
                .body("members_with_roles.user_id", equalTo(List.of("bob")));

        admin().body(Map.of("team_id", team, "max_budget", "30.5", "team_alias", "Search EU"))
                .post("/team/update")
                .then()
                .statusCode(200)
                .body("max_budget", equalTo(30.5f))
                .body("team_alias", equalTo("Search EU"))
                .body("tags", hasItem("prod"));
        admin().body(Map.of("team_id", team))
                .post("/team/block")
                .then()
                .statusCode(200)
                .body("blocked", equalTo(true));
        admin().body(Map.of("team_id", team))
                .post("/team/unblock")
                .then()
                .statusCode(200)
                .body("blocked", equalTo(false));
        admin().get("/team/list").then().statusCode(200).body("team_id", hasItem(team));
        admin().body(Map.of("team_ids", List.of(team)))
                .post("/team/delete")
                .then()
                .statusCode(200)
                .body("deleted_teams", hasItem(team));
        admin().get("/team/info?team_id=" + team).then().statusCode(404).body("error.type", equalTo("not_found_error"));
    }

    @Test
    void usersGetAKeyLikeLiteLlmAndListWithPages() {
        String user = id("user");
        JsonPath created = admin().body(Map.of("user_id", user, "user_email", "a@example.com", "max_budget", 5))
                .post("/user/new")
                .then()
                .statusCode(200)
                .body("user_id", equalTo(user))
                .body("user_email", equalTo("a@example.com"))
                .body("key", org.hamcrest.Matchers.startsWith("sk-"))
                .extract()
                .jsonPath();
        admin().get("/user/info?user_id=" + user)
                .then()
                .statusCode(200)
                .body("user_info.max_budget", equalTo(5))
                .body("keys.token", hasItem(created.getString("token")))
                .body("keys.user_id", hasItem(user));
        admin().body(Map.of("user_id", id("user"), "auto_create_key", false))
                .post("/user/new")
                .then()
                .statusCode(200)
                .body("key", nullValue());
        admin().get("/user/list?page=1&page_size=1")
                .then()
                .statusCode(200)
                .body("users", hasSize(1))
                .body("page_size", equalTo(1));
        admin().body(Map.of("user_id", user, "user_role", "internal_user_viewer"))
                .post("/user/update")
                .then()
                .statusCode(200)
                .body("user_role", equalTo("internal_user_viewer"))
                .body("user_email", equalTo("a@example.com"));
        admin().body(Map.of("user_ids", List.of(user)))
                .post("/user/delete")
                .then()
                .statusCode(200);
        admin().get("/user/info?user_id=" + user).then().statusCode(404);
    }

    @Test
    void customersUnderBothNamesWithBudgetsAndBlocks() {
        String budget = id("budget");
        admin().body(Map.of("budget_id", budget, "max_budget", 2, "budget_duration", "1d", "rpm_limit", 10))
                .post("/budget/new")
                .then()
                .statusCode(200)
                .body("budget_id", equalTo(budget))
                .body("max_budget", equalTo(2))
                .body("rpm_limit", equalTo(10));
        String customer = id("cust");
        admin().body(Map.of("user_id", customer, "alias", "Acme", "budget_id", budget, "default_model", "gpt-4o"))
                .post("/customer/new")
                .then()
                .statusCode(200)
                .body("user_id", equalTo(customer))
                .body("alias", equalTo("Acme"))
                .body("budget_id", equalTo(budget))
                .body("default_model", equalTo("gpt-4o"));
        admin().body(Map.of("user_id", id("cust"), "budget_id", "no-such-budget"))
                .post("/customer/new")
                .then()
                .statusCode(400)
                .body("error.param", equalTo("budget_id"));
        admin().body(Map.of("alias", "no id")).post("/end_user/new").then().statusCode(400);
        admin().get("/end_user/info?end_user_id=" + customer)
                .then()
                .statusCode(200)
                .body("alias", equalTo("Acme"));
        admin().body(Map.of("user_ids", List.of(customer)))
                .post("/customer/block")
                .then()
                .statusCode(200)
                .body("blocked_users[0].blocked", equalTo(true));
        admin().get("/customer/info?end_user_id=" + customer).then().body("blocked", equalTo(true));
        admin().body(Map.of("user_ids", List.of(customer)))
                .post("/end_user/unblock")
                .then()
                .statusCode(200);
        admin().get("/customer/list").then().statusCode(200).body("user_id", hasItem(customer));

        admin().body(Map.of("budgets", List.of(budget)))
                .post("/budget/info")
                .then()
                .statusCode(200)
                .body("[0].budget_id", equalTo(budget));
        admin().get("/budget/list").then().statusCode(200).body("budget_id", hasItem(budget));
        admin().body(Map.of("budget_id", budget, "max_budget", 3))
                .post("/budget/update")
                .then()
                .statusCode(200)
                .body("max_budget", equalTo(3));
        admin().body(Map.of("id", budget))
                .post("/budget/delete")
                .then()
                .statusCode(200)
                .body("budget_id", equalTo(budget));
        admin().get("/customer/info?end_user_id=" + customer).then().body("budget_id", nullValue());
        admin().body(Map.of("user_ids", List.of(customer)))
                .post("/customer/delete")
                .then()
                .statusCode(200);
    }

    @Test
    void aBudgetPeriodThatIsOverStartsAgainAtZero() throws Exception {
        String team = id("team");
        admin().body(Map.of("team_id", team, "max_budget", 1, "budget_duration", "1h"))
                .post("/team/new")
                .then()
                .statusCode(200);
        admin().body(Map.of("team_id", team, "spend", "0.7"))
                .post("/team/update")
                .then()
                .body("spend", equalTo(0.7f));
        try (Connection c = ds.getConnection();
                Statement st = c.createStatement()) {
            st.execute("UPDATE teams SET budget_reset_at = now() - interval '1 second' WHERE team_id = '" + team + "'");
        }
        admin().get("/team/info?team_id=" + team).then().body("team_info.spend", equalTo(0));
    }

    @Test
    void hostileInputIsA400NamingTheFieldNeverA500() {
        admin().body("{\"team_id\":\"t-nul\",\"team_alias\":\"a\\u0000b\"}")
                .post("/team/new")
                .then()
                .statusCode(400)
                .body("error.param", equalTo("team_alias"));
        admin().body("{\"team_id\":\"t-nul2\",\"metadata\":{\"k\":\"a\\u0000\"}}")
                .post("/team/new")
                .then()
                .statusCode(400)
                .body("error.param", equalTo("metadata.k"));
        admin().body(Map.of("team_id", "t-neg", "max_budget", -1))
                .post("/team/new")
                .then()
                .statusCode(400)
                .body("error.param", equalTo("max_budget"));
        admin().body(Map.of("team_id", "t-dur", "budget_duration", "soon"))
                .post("/team/new")
                .then()
                .statusCode(400)
                .body("error.param", equalTo("budget_duration"));
        admin().body(Map.of("team_id", "t-big", "metadata", Map.of("x", "y".repeat(70_000))))
                .post("/team/new")
                .then()
                .statusCode(400);
        admin().body("[1]").post("/customer/new").then().statusCode(400);
        admin().body(Map.of("team_id", "nope")).post("/team/update").then().statusCode(404);
        given().body(Map.of("team_id", "x"))
                .contentType("application/json")
                .post("/team/new")
                .then()
                .statusCode(401)
                .body("error.type", equalTo("authentication_error"));
    }

    @Test
    void keysKeepEveryGenerateKeyRequestFieldAndGainLiteLlmsRoutes() {
        JsonPath k = admin().body(Map.of(
                        "key_alias", id("alias"),
                        "aliases", Map.of("fast", "gpt-4o-mini"),
                        "tags", List.of("team-a"),
                        "soft_budget", 1.5,
                        "key_type", "llm_api",
                        "permissions", Map.of("allow_pii", false)))
                .post("/key/generate")
                .then()
                .statusCode(200)
                .body("aliases.fast", equalTo("gpt-4o-mini"))
                .body("tags", hasItem("team-a"))
                .body("soft_budget", equalTo(1.5f))
                .body("key_type", equalTo("llm_api"))
                .extract()
                .jsonPath();
        String token = k.getString("token");
        admin().get("/key/info?key=" + token)
                .then()
                .body("info.aliases.fast", equalTo("gpt-4o-mini"))
                .body("info.permissions.allow_pii", equalTo(false));
        admin().body(Map.of("key", token, "tags", List.of("team-b")))
                .post("/key/update")
                .then()
                .statusCode(200)
                .body("key", equalTo(token))
                .body("tags", equalTo(List.of("team-b")))
                .body("key_type", equalTo("llm_api"));
        admin().body(Map.of("key", token))
                .post("/key/block")
                .then()
                .statusCode(200)
                .body("blocked", equalTo(true));
        admin().body(Map.of("key", token))
                .post("/key/unblock")
                .then()
                .statusCode(200)
                .body("blocked", equalTo(false));
        admin().post("/key/health").then().statusCode(200).body("key", equalTo("healthy"));
        admin().body(Map.of("keys", List.of(token, "sk-unknown-key-0000000000")))
                .post("/v2/key/info")
                .then()
                .statusCode(200)
                .body("key", equalTo(List.of(token)))
                .body("info", hasSize(1))
                .body("info[0].tags", hasItem("team-b"));
        admin().body("{\"tags\":[\"a\\u0000\"]}")
                .post("/key/generate")
                .then()
                .statusCode(400)
                .body("error.param", equalTo("tags[0]"));
        admin().body(Map.of("keys", List.of()))
                .post("/v2/key/info")
                .then()
                .statusCode(400)
                .body("error.message", containsString("keys"));
    }
}
