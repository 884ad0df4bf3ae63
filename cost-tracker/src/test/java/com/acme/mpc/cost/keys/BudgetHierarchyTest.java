package com.acme.mpc.cost.keys;

import static com.acme.mpc.cost.TestSupport.MASTER;
import static com.acme.mpc.cost.TestSupport.admin;
import static com.acme.mpc.cost.TestSupport.event;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.acme.mpc.cost.TestDatabase;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Budgets above the key: a call is reserved on the key, its team, its user and its end user (customer); the first
 * level without room refuses, naming itself; blocked levels refuse every call; ingest settles every level's spend.
 */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class BudgetHierarchyTest {
    @TestHTTPResource("/")
    URL base;

    private final HttpClient http = HttpClient.newHttpClient();

    private record Answer(int status, JsonPath json) {}

    private Answer reserve(String hash, String requestId, String amount, String endUser) throws Exception {
        String body = "{\"request_id\":\"" + requestId + "\",\"amount_usd\":\"" + amount + "\""
                + (endUser == null ? "" : ",\"end_user\":\"" + endUser + "\"") + "}";
        HttpRequest req = HttpRequest.newBuilder(URI.create(base + "internal/keys/" + hash + "/reservations"))
                .header("Authorization", "Bearer " + MASTER)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), new JsonPath(r.body()));
    }

    private static String team(String maxBudget) {
        Map<String, Object> body = new HashMap<>();
        body.put("team_alias", "hier-" + UUID.randomUUID());
        if (maxBudget != null) {
            body.put("max_budget", new BigDecimal(maxBudget));
        }
        return admin().body(body)
                .post("/team/new")
                .then()
                .statusCode(200)
                .extract()
                .path("team_id");
    }

    private static String key(Map<String, Object> fields) {
        return KeyApiTest.generate(fields).getString("token");
    }

    /** Settles calls at $1 per 1M prompt tokens, attributed as the gateway does (team, key owner, end user). */
    private static void settle(
            String hash, String teamId, String userId, String endUser, List<String> ids, int tokens) {
        List<Map<String, Object>> events = new ArrayList<>();
        for (String id : ids) {
            Map<String, Object> e = new HashMap<>(Map.of(
                    "request_id", id,
                    "key_hash", hash,
                    "model_group", "house",
                    "model", "house",
                    "provider", "openai_compatible",
                    "input_cost_per_token", "0.000001",
                    "output_cost_per_token", "0.000001",
                    "prompt_tokens", tokens,
                    "completion_tokens", 0));
            e.put("team_id", teamId);
            e.put("user", userId);
            e.put("end_user", endUser);
            events.add(event(e));
        }
        admin().body(events).post("/usage/events").then().statusCode(200);
    }

    @Test
    void concurrentCallsOfSeveralKeysNeverExceedTheirTeamsBudget() throws Exception {
        String teamId = team("0.01");
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            keys.add(key(Map.of("team_id", teamId))); // no budget of their own
        }
        admin().get("/internal/keys/" + keys.get(0)).then().body("budgeted_levels", equalTo(true));

        ExecutorService pool = Executors.newFixedThreadPool(16);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<String[]>> results = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            String hash = keys.get(i % keys.size());
            String id = "hier-" + UUID.randomUUID();
            results.add(pool.submit(() -> {
                go.await();
                Answer a = reserve(hash, id, "0.0005", null);
                assertTrue(a.status() == 200 || a.status() == 429, "status " + a.status());
                return a.status() == 200 ? new String[] {hash, id} : null;
            }));
        }
        go.countDown();
        Map<String, List<String>> grantedByKey = new HashMap<>();
        int granted = 0;
        for (Future<String[]> f : results) {
            String[] g = f.get();
            if (g != null) {
                granted++;
                grantedByKey.computeIfAbsent(g[0], k -> new ArrayList<>()).add(g[1]);
            }
        }
        pool.shutdown();
        assertEquals(20, granted, "exactly 20 x 0.0005 fit in the team's 0.01, whichever keys ask");

        Answer held = reserve(keys.get(0), "hier-held", "0.0005", null);
        assertEquals(429, held.status());
        assertEquals("budget_held_by_calls_in_flight", held.json().getString("error.code"));
        assertTrue(held.json().getString("error.message").contains("for team " + teamId));

        // the calls cost 0.0005 each: the team's budget is used up, and every key of it is refused with 400
        grantedByKey.forEach((hash, ids) -> settle(hash, teamId, null, null, ids, 500));
        JsonPath t =
                admin().get("/team/info?team_id=" + teamId).then().extract().jsonPath();
        assertEquals(0, new BigDecimal("0.01").compareTo(new BigDecimal(t.getString("team_info.spend"))));
        Answer usedUp = reserve(keys.get(3), "hier-after", "0.000001", null);
        assertEquals(400, usedUp.status());
        assertEquals("budget_exceeded", usedUp.json().getString("error.code"));
        assertEquals("team", usedUp.json().getString("level"));
        assertTrue(usedUp.json().getString("error.message").contains("for team " + teamId));
    }

    @Test
    void aBlockedTeamRefusesEveryCallOfItsKeysUntilUnblocked() throws Exception {
        String teamId = team(null);
        String hash = key(Map.of("team_id", teamId));
        admin().body(Map.of("team_id", teamId)).post("/team/block").then().statusCode(200);
        Answer a = reserve(hash, "hier-blocked-" + UUID.randomUUID(), "0.001", null);
        assertEquals(401, a.status());
        assertEquals("team_blocked", a.json().getString("error.code"));
        admin().get("/internal/keys/" + hash).then().body("budgeted_levels", equalTo(true));
        admin().body(Map.of("team_id", teamId)).post("/team/unblock").then().statusCode(200);
        assertEquals(
                200,
                reserve(hash, "hier-unblocked-" + UUID.randomUUID(), "0.001", null)
                        .status());
    }

    @Test
    void aCustomersBudgetLimitsTheCallsMadeForIt() throws Exception {
        String customer = "hier-app-" + UUID.randomUUID();
        admin().body(Map.of("user_id", customer, "max_budget", 0.002))
                .post("/customer/new")
                .then()
                .statusCode(200);
        String hash = key(Map.of());
        String first = "hier-c1-" + UUID.randomUUID();
        assertEquals(200, reserve(hash, first, "0.0015", customer).status());
        // the same customer's next call does not fit beside the first; another end user's (or none) does
        Answer held = reserve(hash, "hier-c2-" + UUID.randomUUID(), "0.001", customer);
        assertEquals(429, held.status());
        assertEquals("customer", held.json().getString("level"));
        assertEquals(
                200,
                reserve(hash, "hier-c3-" + UUID.randomUUID(), "0.001", "someone-else")
                        .status());
        assertEquals(
                200,
                reserve(hash, "hier-c4-" + UUID.randomUUID(), "0.001", null).status());
        // settled at 0.0021: the customer's budget is used up
        settle(hash, null, null, customer, List.of(first), 2100);
        admin().get("/customer/info?end_user_id=" + customer).then().body("spend", equalTo(0.0021f));
        Answer usedUp = reserve(hash, "hier-c5-" + UUID.randomUUID(), "0.000001", customer);
        assertEquals(400, usedUp.status());
        assertEquals("budget_exceeded", usedUp.json().getString("error.code"));
        admin().body(Map.of("user_ids", List.of(customer)))
                .post("/customer/block")
                .then()
                .statusCode(200);
        Answer blocked = reserve(hash, "hier-c6-" + UUID.randomUUID(), "0.000001", customer);
        assertEquals(401, blocked.status());
        assertEquals("customer_blocked", blocked.json().getString("error.code"));
    }

    @Test
    void theKeyOwnersBudgetCoversAllTheirKeys() throws Exception {
        String userId = "hier-user-" + UUID.randomUUID();
        admin().body(Map.of("user_id", userId, "max_budget", 0.001, "auto_create_key", false))
                .post("/user/new")
                .then()
                .statusCode(200);
        String k1 = key(Map.of("user_id", userId));
        String k2 = key(Map.of("user_id", userId));
        String id = "hier-u1-" + UUID.randomUUID();
        assertEquals(200, reserve(k1, id, "0.0008", null).status());
        settle(k1, null, userId, null, List.of(id), 800);
        Answer a = reserve(k2, "hier-u2-" + UUID.randomUUID(), "0.0005", null);
        assertEquals(400, a.status());
        assertEquals("user", a.json().getString("level"));
        assertEquals(userId, a.json().getString("level_id"));
        admin().get("/user/info?user_id=" + userId).then().body(containsString("0.0008"));
        // a release is always granted
        assertEquals(200, reserve(k2, "hier-u2-release", "0", null).status());
    }

    @Test
    void theKeyLookupCarriesItsTeamsModelsAndLimitsForTheGateway() {
        String teamId = admin().body(Map.of(
                        "team_alias",
                        "lookup-" + UUID.randomUUID(),
                        "models",
                        List.of("house", "beta-group"),
                        "rpm_limit",
                        7,
                        "tpm_limit",
                        900))
                .post("/team/new")
                .then()
                .statusCode(200)
                .extract()
                .path("team_id");
        String hash = key(Map.of("team_id", teamId));
        admin().get("/internal/keys/" + hash)
                .then()
                .statusCode(200)
                .body("team.team_id", equalTo(teamId))
                .body("team.models", equalTo(List.of("house", "beta-group")))
                .body("team.rpm_limit", equalTo(7))
                .body("team.tpm_limit", equalTo(900))
                .body("team.max_parallel_requests", org.hamcrest.Matchers.nullValue());
        admin().get("/internal/keys/" + key(Map.of()))
                .then()
                .statusCode(200)
                .body("team", org.hamcrest.Matchers.nullValue());
    }
}
