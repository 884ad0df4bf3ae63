package com.acme.mpc.api.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.acme.mpc.api.ClientsProfile;
import com.acme.mpc.api.standin.Recorded;
import com.acme.mpc.api.standin.StandInGateway;
import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@TestProfile(ClientsProfile.class)
class ProxyTest {

    @BeforeEach
    void reset() {
        StandInGateway.get().reset();
        CircuitBreakerMaintenance.get().resetAll();
    }

    static String chatBody(String model, String extra) {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi " + UUID.randomUUID()
                + "\"}]" + extra + "}";
    }

    @Test
    void shouldRelayChatCompletionUnchanged() {
        String body = given().auth()
                .oauth2(ClientsProfile.APP1)
                .contentType("application/json")
                .body(chatBody("demo-chat", ""))
                .post("/api/chat/completions")
                .then()
                .statusCode(200)
                .contentType(startsWith("application/json"))
                .extract()
                .asString();
        assertEquals(Recorded.CHAT_COMPLETION, body);
    }

    @Test
    void shouldRelayModelsCompletionsAndEmbeddings() {
        assertEquals(
                Recorded.MODELS,
                given().auth()
                        .oauth2(ClientsProfile.APP1)
                        .get("/api/models")
                        .then()
                        .statusCode(200)
                        .extract()
                        .asString());
        assertEquals(
                Recorded.TEXT_COMPLETION,
                given().auth()
                        .oauth2(ClientsProfile.APP1)
                        .contentType("application/json")
                        .body("{\"model\":\"demo-instruct\",\"prompt\":\"hello " + UUID.randomUUID() + "\"}")
                        .post("/api/completions")
                        .then()
                        .statusCode(200)
                        .extract()
                        .asString());
        assertEquals(
                Recorded.EMBEDDING,
                given().auth()
                        .oauth2(ClientsProfile.APP1)
                        .contentType("application/json")
                        .body("{\"model\":\"demo-embed\",\"input\":\"hello " + UUID.randomUUID() + "\"}")
                        .post("/api/embeddings")
                        .then()
                        .statusCode(200)
                        .extract()
                        .asString());
        assertEquals(
                "/v1/embeddings", StandInGateway.get().last("/v1/embeddings").path());
    }

    @Test
    void shouldAttributeTheCallToTheAppAndUseTheGatewayKey() {
        Response response = given().auth()
                .oauth2(ClientsProfile.APP1)
                .contentType("application/json")
                .body(chatBody("demo-chat", ",\"metadata\":{\"tags\":[\"feature:search\"]}"))
                .post("/api/chat/completions");
        response.then().statusCode(200).header("x-request-id", notNullValue());
        StandInGateway.Received upstream = StandInGateway.get().last("/v1/chat/completions");
        assertEquals("Bearer " + ClientsProfile.GATEWAY_KEY, upstream.headers().get("authorization"));
        assertEquals("app1", upstream.headers().get("x-mpc-end-user"));
        assertEquals(response.header("x-request-id"), upstream.headers().get("x-request-id"));
        JsonNode json = upstream.json();
        assertEquals("app1", json.path("user").asText());
        assertEquals(
                "[\"feature:search\",\"app:app1\"]",
                json.path("metadata").path("tags").toString());
        assertEquals("demo-chat", json.path("model").asText());
    }

    @Test
    void shouldKeepTheClientsUserAndRequestId() {
        given().auth()
                .oauth2(ClientsProfile.APP2)
                .header("x-request-id", "req-from-client-42")
                .contentType("application/json")
                .body(chatBody("demo-chat", ",\"user\":\"alice\""))
                .post("/api/chat/completions")
                .then()
                .statusCode(200)
                .header("x-request-id", "req-from-client-42");
        StandInGateway.Received upstream = StandInGateway.get().last("/v1/chat/completions");
        assertEquals("req-from-client-42", upstream.headers().get("x-request-id"));
        assertEquals("alice", upstream.json().path("user").asText());
        assertEquals("app2", upstream.headers().get("x-mpc-end-user"));
        assertEquals(
                "app:app2", upstream.json().path("metadata").path("tags").get(0).asText());
    }

    @Test
    void shouldPassAGateway4xxThroughUnchanged() {
        given().auth()
                .oauth2(ClientsProfile.APP1)
                .contentType("application/json")
                .body(chatBody("bad-request", ""))
                .post("/api/chat/completions")
                .then()
                .statusCode(400)
                .header("x-litellm-call-id", "call-400")
                .body(equalTo(Recorded.error(
                        "Invalid value for 'temperature': must be <= 2", "invalid_request_error", "invalid_value")));
    }

    @Test
    void shouldPassAGateway5xxThroughAsSent() {
        given().auth()
                .oauth2(ClientsProfile.APP1)
                .contentType("application/json")
                .body(chatBody("server-error", ""))
                .post("/api/chat/completions")
                .then()
                .statusCode(500)
                .body(equalTo(Recorded.error("upstream exploded", "api_error", null)));
    }

    @Test
    void shouldRejectABodyThatIsNotJson() {
        given().auth()
                .oauth2(ClientsProfile.APP1)
                .contentType("application/json")
                .body("{\"model\": ")
                .post("/api/chat/completions")
                .then()
                .statusCode(400)
                .body("error.type", equalTo("invalid_request_error"))
                .body("error.code", equalTo("invalid_json"));
        assertTrue(StandInGateway.get().received("/v1/chat/completions").isEmpty());
    }

    @Test
    void shouldAnswerUnknownEndpointsInOpenAiShape() {
        given().auth()
                .oauth2(ClientsProfile.APP1)
                .get("/api/fine_tuning/jobs")
                .then()
                .statusCode(404)
                .body("error.code", equalTo("unknown_url"))
                .body("error.param", equalTo(null));
    }
}
