package com.acme.mpc.cost.keys;

import static com.acme.mpc.cost.TestSupport.MASTER;
import static com.acme.mpc.cost.TestSupport.admin;
import static com.acme.mpc.cost.TestSupport.event;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.acme.mpc.cost.TestDatabase;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Many concurrent reservations on a key with little budget left: exactly as many as fit are granted;
 * after settlement the spend exceeds max_budget by at most the sum of (real cost - estimate) of the calls
 * that were in flight.
 */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class ReservationConcurrencyTest {
    @TestHTTPResource("/")
    URL base;

    @Inject
    AgroalDataSource ds;

    private final HttpClient http = HttpClient.newHttpClient();

    private String newKey(String maxBudget) {
        return KeyApiTest.generate(Map.of("max_budget", maxBudget)).getString("token");
    }

    private int reserve(String hash, String requestId, String amount) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create(base + "internal/keys/" + hash + "/reservations"))
                .header("Authorization", "Bearer " + MASTER)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"request_id\":\"" + requestId + "\",\"amount_usd\":\"" + amount + "\"}"))
                .build();
        return http.send(req, HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    /** Settles calls with their real cost: prompt tokens at the gateway price of $1 per 1M tokens. */
    private void settle(String hash, List<String> requestIds, int promptTokensEach) {
        List<Map<String, Object>> events = new ArrayList<>();
        for (String id : requestIds) {
            events.add(event(Map.of(
                    "request_id", id,
                    "key_hash", hash,
                    "model_group", "house",
                    "model", "house",
                    "provider", "openai_compatible",
                    "input_cost_per_token", "0.000001",
                    "output_cost_per_token", "0.000001",
                    "prompt_tokens", promptTokensEach,
                    "completion_tokens", 0)));
        }
        admin().body(events).post("/usage/events").then().statusCode(200);
    }

    private List<String> reserveConcurrently(String hash, int calls, String amount) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(16);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<String>> results = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            String id = "res-" + UUID.randomUUID();
            results.add(pool.submit(() -> {
                go.await();
                int status = reserve(hash, id, amount);
                // the budget is never used up here: a refusal is only ever "held by calls in flight"
                assertTrue(status == 200 || status == 429, "status " + status);
                return status == 200 ? id : null;
            }));
        }
        go.countDown();
        List<String> granted = new ArrayList<>();
        for (Future<String> f : results) {
            String id = f.get();
            if (id != null) {
                granted.add(id);
            }
        }
        pool.shutdown();
        return granted;
    }

    @Test
    void concurrentReservationsNeverExceedTheBudget() throws Exception {
        String hash = newKey("0.01");
        List<String> granted = reserveConcurrently(hash, 60, "0.001");
        assertEquals(10, granted.size(), "exactly 10 x 0.001 fit in 0.01");
        admin().get("/internal/keys/" + hash).then().body("reserved", equalTo(0.01f));

        // the calls cost 0.0008 each (less than estimated): settling frees 0.002
        settle(hash, granted, 800);
        JsonPath info = admin().get("/internal/keys/" + hash).then().extract().jsonPath();
        assertEquals(0, new BigDecimal("0.008").compareTo(new BigDecimal(info.getString("spend"))));
        assertEquals(0, info.getInt("reserved"));
        assertEquals(2, reserveConcurrently(hash, 20, "0.001").size());
    }

    @Test
    void overspendIsBoundedByEstimateErrorsOfCallsInFlight() throws Exception {
        String hash = newKey("0.01");
        List<String> granted = reserveConcurrently(hash, 40, "0.002");
        assertEquals(5, granted.size());
        // each call really costs 0.0025 (0.0005 more than estimated)
        settle(hash, granted, 2500);
        JsonPath info = admin().get("/internal/keys/" + hash).then().extract().jsonPath();
        BigDecimal spend = new BigDecimal(info.getString("spend"));
        BigDecimal bound = new BigDecimal("0.01").add(new BigDecimal("0.0005").multiply(BigDecimal.valueOf(5)));
        assertEquals(0, new BigDecimal("0.0125").compareTo(spend));
        assertTrue(spend.compareTo(bound) <= 0);
        // used up: every further call is refused with 400 (not retried by SDKs) and the real spend
        admin().body(Map.of("request_id", "after", "amount_usd", "0.000001"))
                .post("/internal/keys/" + hash + "/reservations")
                .then()
                .statusCode(400)
                .header("Retry-After", org.hamcrest.Matchers.nullValue())
                .body("error.type", equalTo("budget_exceeded"))
                .body("error.code", equalTo("budget_exceeded"))
                .body(
                        "error.message",
                        org.hamcrest.Matchers.startsWith("Budget has been exceeded! Current cost: 0.0125"));
    }

    @Test
    void reReservingTheSameRequestReplacesItsAmountAndReservationsExpire() throws Exception {
        String hash = newKey("0.005");
        assertEquals(200, reserve(hash, "same", "0.004"));
        assertEquals(200, reserve(hash, "same", "0.004"));
        admin().get("/internal/keys/" + hash).then().body("reserved", equalTo(0.004f));
        // 0.002 would fit the unspent budget: refused only because of the call in flight, so 429 + Retry-After
        admin().body(Map.of("request_id", "other", "amount_usd", "0.002"))
                .post("/internal/keys/" + hash + "/reservations")
                .then()
                .statusCode(429)
                .header("Retry-After", "1")
                .body("error.code", equalTo("budget_held_by_calls_in_flight"))
                .body("error.message", org.hamcrest.Matchers.containsString("reserved by 1 calls in flight"))
                .body("error.message", org.hamcrest.Matchers.not(org.hamcrest.Matchers.containsString("exceeded")));
        // more than the whole budget: used up for this call whatever is in flight
        assertEquals(400, reserve(hash, "huge", "0.0051"));
        admin().body(Map.of("request_id", "x", "amount_usd", "0.001"))
                .post("/internal/keys/" + hash + "/reservations")
                .then()
                .statusCode(200)
                .body("reserved", equalTo(true))
                .body("remaining_usd", equalTo("0"));
        // reservations left open (the call never reported) stop counting after their TTL
        try (Connection c = ds.getConnection();
                Statement st = c.createStatement()) {
            st.execute("UPDATE key_reservations SET expires_at = now() - interval '1 second' WHERE key_hash = '" + hash
                    + "'");
        }
        admin().get("/internal/keys/" + hash).then().body("reserved", equalTo(0));
        assertEquals(200, reserve(hash, "later", "0.005"));
    }

    @Test
    void aReleaseIsGrantedEvenWhenTheKeyIsAlreadyOverBudget() throws Exception {
        String hash = newKey("0.005");
        assertEquals(200, reserve(hash, "failed-call", "0.002"));
        // another call's real cost took the key past its budget (the documented overspend bound)
        settle(hash, List.of("expensive-call"), 6000);
        admin().get("/internal/keys/" + hash).then().body("reserved", equalTo(0.002f));
        assertEquals(400, reserve(hash, "new-call", "0.000001"));

        // the gateway releases the failed call's reservation with amount 0
        assertEquals(200, reserve(hash, "failed-call", "0"));

        admin().get("/internal/keys/" + hash).then().body("reserved", equalTo(0));
        try (Connection c = ds.getConnection();
                Statement st = c.createStatement();
                var rs = st.executeQuery("SELECT count(*) FROM key_reservations WHERE request_id = 'failed-call'")) {
            rs.next();
            assertEquals(0, rs.getInt(1));
        }
    }

    @Test
    void keysWithoutBudgetAlwaysReserveAndBadInputIsRejected() throws Exception {
        String hash = KeyApiTest.generate(Map.of()).getString("token");
        admin().body(Map.of("request_id", "nb", "amount_usd", "12.5"))
                .post("/internal/keys/" + hash + "/reservations")
                .then()
                .statusCode(200)
                .body("remaining_usd", org.hamcrest.Matchers.nullValue());
        admin().body(Map.of("request_id", "nb2", "amount_usd", "-1"))
                .post("/internal/keys/" + hash + "/reservations")
                .then()
                .statusCode(400)
                .body("error.param", equalTo("amount_usd"));
        admin().body(Map.of("amount_usd", "1"))
                .post("/internal/keys/" + hash + "/reservations")
                .then()
                .statusCode(400)
                .body("error.param", equalTo("request_id"));
        assertEquals(404, reserve("f".repeat(64), "z", "0.1"));
    }
}
