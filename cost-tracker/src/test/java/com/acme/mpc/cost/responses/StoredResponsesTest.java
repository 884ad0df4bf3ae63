package com.acme.mpc.cost.responses;

import static com.acme.mpc.cost.TestSupport.admin;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.acme.mpc.cost.TestDatabase;
import com.acme.mpc.cost.retention.StoredResponsePurge;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The gateway's stored Responses API state on a real PostgreSQL: stored, read and deleted per owner (another owner's
 * id is a 404), master key only, hostile ids and bodies are 4xx, and the purge deletes rows past the retention.
 */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class StoredResponsesTest {
    @Inject
    AgroalDataSource ds;

    private static Map<String, Object> record(String owner, String text) {
        return Map.of(
                "owner",
                owner,
                "document",
                Map.of("pass_through", false, "response", Map.of("id", "resp_x", "output_text", text)));
    }

    @Test
    void storedPerOwnerAndDeleted() {
        admin().body(record("ownerA", "hello"))
                .put("/internal/responses/resp_abc")
                .then()
                .statusCode(200)
                .body("stored", equalTo(true));
        admin().get("/internal/responses/resp_abc?owner=ownerA")
                .then()
                .statusCode(200)
                .body("document.response.output_text", equalTo("hello"));
        // another key's owner does not see it
        admin().get("/internal/responses/resp_abc?owner=ownerB")
                .then()
                .statusCode(404)
                .body("error.type", equalTo("not_found_error"));
        admin().delete("/internal/responses/resp_abc?owner=ownerB").then().statusCode(404);
        // replaced on a second PUT
        admin().body(record("ownerA", "again"))
                .put("/internal/responses/resp_abc")
                .then()
                .statusCode(200);
        admin().get("/internal/responses/resp_abc?owner=ownerA")
                .then()
                .body("document.response.output_text", equalTo("again"));
        admin().delete("/internal/responses/resp_abc?owner=ownerA")
                .then()
                .statusCode(200)
                .body("deleted", equalTo(true));
        admin().get("/internal/responses/resp_abc?owner=ownerA").then().statusCode(404);
    }

    @Test
    void masterKeyOnlyAndHostileInputIs4xx() {
        given().contentType("application/json")
                .body(record("ownerA", "x"))
                .put("/internal/responses/resp_1")
                .then()
                .statusCode(401);
        given().header("Authorization", "Bearer sk-some-virtual-key")
                .get("/internal/responses/resp_1?owner=ownerA")
                .then()
                .statusCode(401);
        admin().get("/internal/responses/" + "x".repeat(300) + "?owner=ownerA")
                .then()
                .statusCode(404);
        admin().get("/internal/responses/resp_1").then().statusCode(400);
        admin().get("/internal/responses/resp_1?owner=a%27%20OR%201=1").then().statusCode(400);
        admin().body("[1,2]").put("/internal/responses/resp_1").then().statusCode(400);
        admin().body(Map.of("owner", "ownerA", "document", "text"))
                .put("/internal/responses/resp_1")
                .then()
                .statusCode(400);
        admin().body("{\"owner\":").put("/internal/responses/resp_1").then().statusCode(400);
    }

    @Test
    void purgeDeletesOnlyRowsPastTheRetention() throws Exception {
        admin().body(record("purgeOwner", "old"))
                .put("/internal/responses/resp_old")
                .then()
                .statusCode(200);
        admin().body(record("purgeOwner", "new"))
                .put("/internal/responses/resp_new")
                .then()
                .statusCode(200);
        try (Connection c = ds.getConnection();
                Statement st = c.createStatement()) {
            st.execute("UPDATE stored_responses SET created_at = now() - interval '40 days' WHERE id = 'resp_old'");
        }
        assertEquals(1, new StoredResponsePurge(ds, 10).purgeOlderThan(Instant.now(), 30));
        admin().get("/internal/responses/resp_old?owner=purgeOwner").then().statusCode(404);
        admin().get("/internal/responses/resp_new?owner=purgeOwner").then().statusCode(200);
    }
}
