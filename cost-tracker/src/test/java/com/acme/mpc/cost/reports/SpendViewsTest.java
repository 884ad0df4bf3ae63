package com.acme.mpc.cost.reports;

import static com.acme.mpc.cost.TestSupport.admin;
import static com.acme.mpc.cost.TestSupport.event;
import static com.acme.mpc.cost.TestSupport.map;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.acme.mpc.cost.TestDatabase;
import com.acme.mpc.cost.keys.KeyHash;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** LiteLLM's /spend/keys, /spend/users and /global/spend/logs, on keys and users of their own spending today. */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class SpendViewsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static String newKey(String alias) {
        return admin().body(Map.of("key_alias", alias))
                .post("/key/generate")
                .then()
                .statusCode(200)
                .extract()
                .path("key");
    }

    /** One call of the key today, costing gpt-4o's price of the given prompt tokens. */
    private static void spend(String key, int promptTokens) {
        Instant now = Instant.now();
        admin().body(List.of(event(map(
                        "key_hash",
                        KeyHash.of(key),
                        "start_time",
                        now.toString(),
                        "first_token_time",
                        now.plusMillis(10).toString(),
                        "end_time",
                        now.plusMillis(20).toString(),
                        "prompt_tokens",
                        promptTokens,
                        "completion_tokens",
                        0))))
                .post("/usage/events")
                .then()
                .statusCode(200)
                .body("accepted", equalTo(1));
    }

    @Test
    void spendKeysListsKeysByDescendingSpendWithoutTheirSecret() throws Exception {
        String big = newKey("views-big-" + System.nanoTime());
        String small = newKey("views-small-" + System.nanoTime());
        spend(small, 1000);
        spend(big, 400_000);
        // read with Jackson: other tests' keys may carry metadata nested too deeply for the test client's parser
        String body =
                admin().get("/spend/keys").then().statusCode(200).extract().asString();
        JsonNode keys = JSON.readTree(body);
        List<String> tokens = new ArrayList<>();
        keys.forEach(k -> tokens.add(k.path("token").asText()));
        int iBig = tokens.indexOf(KeyHash.of(big));
        int iSmall = tokens.indexOf(KeyHash.of(small));
        assertTrue(iBig >= 0 && iSmall >= 0, "both keys listed");
        assertTrue(iBig < iSmall, "the key that spent more comes first");
        for (int i = 1; i < keys.size(); i++) {
            assertTrue(
                    keys.get(i - 1).path("spend").asDouble()
                            >= keys.get(i).path("spend").asDouble(),
                    "ordered by spend at " + i);
        }
        assertTrue(!body.contains(big) && !body.contains(small), "no key in clear");
        admin().get("/spend/keys?limit=1").then().body("$", hasSize(1));
        admin().get("/spend/keys?limit=0").then().statusCode(400).body("error.param", equalTo("limit"));
        given().get("/spend/keys").then().statusCode(401);
    }

    @Test
    void spendUsersListsUsersAndOneUserById() throws Exception {
        String id = "views-user-" + System.nanoTime();
        admin().body(Map.of("user_id", id, "max_budget", 3, "auto_create_key", false))
                .post("/user/new")
                .then()
                .statusCode(200);
        admin().get("/spend/users?user_id=" + id)
                .then()
                .statusCode(200)
                .body("$", hasSize(1))
                .body("[0].user_id", equalTo(id))
                .body("[0].max_budget", equalTo(3));
        List<String> ids = new ArrayList<>();
        JSON.readTree(admin().get("/spend/users")
                        .then()
                        .statusCode(200)
                        .extract()
                        .asString())
                .forEach(u -> ids.add(u.path("user_id").asText()));
        assertTrue(ids.contains(id));
        admin().get("/spend/users?user_id=nobody-" + System.nanoTime()).then().statusCode(404);
    }

    @Test
    void globalSpendLogsGivesSpendPerDayOfEveryKeyOrOfOne() {
        String key = newKey("views-daily-" + System.nanoTime());
        spend(key, 200_000); // 200k prompt tokens of gpt-4o at $2.50 per million = $0.50
        String today = LocalDate.now(ZoneOffset.UTC).toString();
        admin().get("/global/spend/logs?api_key=" + key)
                .then()
                .statusCode(200)
                .body("$", hasSize(1))
                .body("[0].date", equalTo(today))
                .body("[0].spend", equalTo(0.5f))
                .body("[0].api_key", equalTo(KeyHash.of(key)));
        // the same key by its hash
        admin().get("/global/spend/logs?api_key=" + KeyHash.of(key)).then().body("[0].spend", equalTo(0.5f));
        List<Map<String, Object>> all = admin().get("/global/spend/logs")
                .then()
                .statusCode(200)
                .extract()
                .path("$");
        Map<String, Object> todayRow = all.stream()
                .filter(r -> today.equals(r.get("date")))
                .findFirst()
                .orElseThrow();
        assertTrue(((Number) todayRow.get("spend")).doubleValue() >= 0.5, "today's total includes the key's call");
        assertEquals(all.size(), all.stream().map(r -> r.get("date")).distinct().count(), "one row per day");
    }
}
