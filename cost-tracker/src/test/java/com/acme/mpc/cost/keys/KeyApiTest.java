package com.acme.mpc.cost.keys;

import static com.acme.mpc.cost.TestSupport.admin;
import static com.acme.mpc.cost.TestSupport.event;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.acme.mpc.cost.TestDatabase;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class KeyApiTest {
    @Inject
    AgroalDataSource ds;

    static JsonPath generate(Map<String, Object> body) {
        return admin().body(body)
                .post("/key/generate")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    private void sql(String sql) throws Exception {
        try (Connection c = ds.getConnection();
                Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    @Test
    void keyIsRandomShownOnceAndStoredAsHash() throws Exception {
        String alias = "alias-" + UUID.randomUUID();
        JsonPath k = generate(com.acme.mpc.cost.TestSupport.map(
                "key_alias",
                alias,
                "models",
                List.of("gpt-4o", "claude-sonnet-4"),
                "max_budget",
                10.5,
                "budget_duration",
                "30d",
                "duration",
                "1h",
                "rpm_limit",
                60,
                "tpm_limit",
                10000,
                "max_parallel_requests",
                4,
                "metadata",
                Map.of("owner", "ops"),
                "user_id",
                "bob",
                "team_id",
                "team-x"));
        String key = k.getString("key");
        assertTrue(key.startsWith("sk-") && key.length() > 40, key);
        assertEquals(KeyHash.of(key), k.getString("token"));
        assertEquals(alias, k.getString("key_alias"));
        assertEquals(List.of("gpt-4o", "claude-sonnet-4"), k.getList("models"));
        Instant expires = Instant.parse(k.getString("expires"));
        assertTrue(Duration.between(Instant.now(), expires).toMinutes() >= 58);
        Instant reset = Instant.parse(k.getString("budget_reset_at"));
        assertTrue(Duration.between(Instant.now(), reset).toDays() >= 29);
        // the clear key is nowhere in the database
        try (Connection c = ds.getConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(
                        "SELECT count(*) FROM virtual_keys k WHERE k::text LIKE '%" + key.substring(3) + "%'")) {
            rs.next();
            assertEquals(0, rs.getInt(1));
        }
        // a second generate gives another key
        assertFalse(generate(Map.of()).getString("key").equals(key));

        admin().queryParam("key", key)
                .get("/key/info")
                .then()
                .statusCode(200)
                .body("key", equalTo(KeyHash.of(key)))
                .body("info.key_alias", equalTo(alias))
                .body("info.spend", equalTo(0))
                .body("info.max_budget", equalTo(10.5f))
                .body("info.budget_duration", equalTo("30d"))
                .body("info.rpm_limit", equalTo(60))
                .body("info.tpm_limit", equalTo(10000))
                .body("info.max_parallel_requests", equalTo(4))
                .body("info.metadata.owner", equalTo("ops"))
                .body("info.blocked", equalTo(false))
                .body("info", not(org.hamcrest.Matchers.hasKey("key")));
        // by hash too
        admin().queryParam("key", KeyHash.of(key)).get("/key/info").then().statusCode(200);
        // a key may read itself, not others
        given().header("Authorization", "Bearer " + key)
                .get("/key/info")
                .then()
                .statusCode(200)
                .body("info.key_alias", equalTo(alias));
        given().header("Authorization", "Bearer " + key)
                .queryParam("key", k.getString("token").replace('a', 'b'))
                .get("/key/info")
                .then()
                .statusCode(403);
        given().header("Authorization", "Bearer sk-nope")
                .get("/key/info")
                .then()
                .statusCode(401);
        given().get("/key/info").then().statusCode(401);
        admin().queryParam("key", "sk-unknown").get("/key/info").then().statusCode(404);
    }

    @Test
    void updateDeleteRegenerateList() {
        String user = "user-" + UUID.randomUUID();
        JsonPath a = generate(Map.of("user_id", user, "key_alias", "a-" + user));
        JsonPath b = generate(Map.of("user_id", user, "max_budget", 1));
        String keyA = a.getString("key");

        admin().body(Map.of("key", keyA, "max_budget", "2.25", "blocked", true, "models", List.of("gpt-4o-mini")))
                .post("/key/update")
                .then()
                .statusCode(200)
                .body("max_budget", equalTo(2.25f))
                .body("blocked", equalTo(true))
                .body("models", equalTo(List.of("gpt-4o-mini")))
                .body("key_alias", equalTo("a-" + user));
        // alias must stay unique
        admin().body(Map.of("key", b.getString("token"), "key_alias", "a-" + user))
                .post("/key/update")
                .then()
                .statusCode(400)
                .body("error.param", equalTo("key_alias"));
        admin().body(Map.of("key", keyA, "budget_duration", "30x"))
                .post("/key/update")
                .then()
                .statusCode(400)
                .body("error.type", equalTo("invalid_request_error"))
                .body("error.param", equalTo("budget_duration"));
        admin().body(Map.of("key", "sk-missing", "max_budget", 1))
                .post("/key/update")
                .then()
                .statusCode(404);

        admin().queryParam("user_id", user)
                .get("/key/list")
                .then()
                .statusCode(200)
                .body("total_count", equalTo(2))
                .body("keys", hasItem(a.getString("token")));
        admin().queryParam("user_id", user)
                .queryParam("return_full_object", true)
                .queryParam("size", 1)
                .get("/key/list")
                .then()
                .statusCode(200)
                .body("keys", hasSize(1))
                .body("total_pages", equalTo(2))
                .body("keys[0].user_id", equalTo(user));

        // regenerate: new secret, same settings; the old key is gone
        JsonPath r = admin().post("/key/" + keyA + "/regenerate")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        String newKey = r.getString("key");
        assertFalse(newKey.equals(keyA));
        assertEquals(KeyHash.of(newKey), r.getString("token"));
        assertEquals(2.25f, r.getFloat("max_budget"));
        admin().queryParam("key", keyA).get("/key/info").then().statusCode(404);
        admin().body(Map.of("key", newKey, "max_budget", 3))
                .post("/key/regenerate")
                .then()
                .statusCode(200)
                .body("key", startsWith("sk-"))
                .body("max_budget", equalTo(3));

        admin().body(Map.of("keys", List.of(b.getString("key"))))
                .post("/key/delete")
                .then()
                .statusCode(200)
                .body("deleted_keys", hasSize(1));
        admin().body(Map.of("key_aliases", List.of("a-" + user)))
                .post("/key/delete")
                .then()
                .statusCode(200);
        admin().queryParam("user_id", user).get("/key/list").then().body("total_count", equalTo(0));
        admin().body(Map.of("keys", List.of("sk-none")))
                .post("/key/delete")
                .then()
                .statusCode(404);
    }

    @Test
    void ingestAddsSpendAndBudgetPeriodsReset() throws Exception {
        JsonPath k = generate(Map.of("max_budget", 1, "budget_duration", "1s"));
        String hash = k.getString("token");
        // 1000 * 2.5e-6 + 100 * 1e-5 = 0.0035
        admin().body(List.of(event(Map.of("key_hash", hash)), event(Map.of("key_hash", hash))))
                .post("/usage/events")
                .then()
                .statusCode(200);
        JsonPath info = admin().get("/internal/keys/" + hash)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        // either still in the first second (0.007) or already reset (0)
        String spend = info.getString("spend");
        assertTrue(spend.equals("0.007") || spend.equals("0"), spend);
        Thread.sleep(1100);
        admin().get("/internal/keys/" + hash)
                .then()
                .statusCode(200)
                .body("spend", equalTo(0))
                .body("budget_reset_at", notNullValue());

        // a 30d budget whose period is over (moved back by hand) starts again from 0 on access
        JsonPath k30 = generate(Map.of("max_budget", 1, "budget_duration", "30d"));
        String h30 = k30.getString("token");
        admin().body(List.of(event(Map.of("key_hash", h30))))
                .post("/usage/events")
                .then()
                .statusCode(200);
        admin().get("/internal/keys/" + h30).then().body("spend", equalTo(0.0035f));
        sql("UPDATE virtual_keys SET budget_reset_at = now() - interval '1 minute' WHERE key_hash = '" + h30 + "'");
        JsonPath after = admin().get("/internal/keys/" + h30).then().extract().jsonPath();
        assertEquals(0, after.getInt("spend"));
        assertTrue(Duration.between(Instant.now(), Instant.parse(after.getString("budget_reset_at")))
                        .toDays()
                >= 29);
    }

    @Test
    void internalLookupHasTheContractShape() {
        JsonPath k = generate(Map.of("key_alias", "shape-" + UUID.randomUUID(), "models", List.of("gpt-4o")));
        admin().get("/internal/keys/" + k.getString("token"))
                .then()
                .statusCode(200)
                .body("key_hash", equalTo(k.getString("token")))
                .body("models", equalTo(List.of("gpt-4o")))
                .body("max_budget", nullValue())
                .body("spend", equalTo(0))
                .body("reserved", equalTo(0))
                .body("blocked", equalTo(false))
                .body("expires", nullValue())
                .body("metadata", equalTo(Map.of()));
        admin().get("/internal/keys/" + "0".repeat(64)).then().statusCode(404);
        admin().get("/internal/keys/not-a-hash").then().statusCode(404);
        given().get("/internal/keys/" + k.getString("token")).then().statusCode(401);
    }
}
