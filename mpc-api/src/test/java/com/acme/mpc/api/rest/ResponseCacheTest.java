package com.acme.mpc.api.rest;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.acme.mpc.api.ClientsProfile;
import com.acme.mpc.api.standin.Recorded;
import com.acme.mpc.api.standin.StandInGateway;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@TestProfile(ClientsProfile.class)
class ResponseCacheTest {

    @BeforeEach
    void reset() {
        StandInGateway.get().reset();
        CircuitBreakerMaintenance.get().resetAll();
    }

    private static Response post(String token, String body, String cacheControl) {
        var request =
                given().auth().oauth2(token).contentType("application/json").body(body);
        if (cacheControl != null) {
            request.header("cache-control", cacheControl);
        }
        return request.post("/api/chat/completions");
    }

    private static int gatewayCalls() {
        return StandInGateway.get().received("/v1/chat/completions").size();
    }

    @Test
    void shouldAnswerAnIdenticalRequestFromTheCache() {
        String id = UUID.randomUUID().toString();
        String body = "{\"model\":\"demo-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"" + id + "\"}]}";
        // Same request, other formatting and key order.
        String reordered =
                "{ \"messages\": [ {\"content\": \"" + id + "\", \"role\": \"user\"} ],\n  \"model\": \"demo-chat\" }";

        Response first = post(ClientsProfile.APP1, body, null);
        first.then().statusCode(200).header("x-cache", "MISS");
        Response second = post(ClientsProfile.APP1, reordered, null);
        second.then().statusCode(200).header("x-cache", "HIT").header("content-type", "application/json");
        assertEquals(Recorded.CHAT_COMPLETION, second.asString());
        assertEquals(1, gatewayCalls());
    }

    @Test
    void shouldBypassTheCacheOnNoCache() {
        String body = ProxyTest.chatBody("demo-chat", "");
        post(ClientsProfile.APP1, body, null).then().header("x-cache", "MISS");
        post(ClientsProfile.APP1, body, "no-cache").then().statusCode(200).header("x-cache", "MISS");
        assertEquals(2, gatewayCalls());
    }

    @Test
    void shouldKeepEachClientsEntriesApart() {
        String body = ProxyTest.chatBody("demo-chat", "");
        post(ClientsProfile.APP1, body, null).then().header("x-cache", "MISS");
        post(ClientsProfile.APP2, body, null).then().header("x-cache", "MISS");
        assertEquals(2, gatewayCalls());
    }

    @Test
    void shouldNotCacheErrorsOrStreams() {
        String error = ProxyTest.chatBody("bad-request", "");
        post(ClientsProfile.APP1, error, null).then().statusCode(400);
        post(ClientsProfile.APP1, error, null).then().statusCode(400).header("x-cache", "MISS");
        String stream = ProxyTest.chatBody("demo-chat", ",\"stream\":true");
        post(ClientsProfile.APP1, stream, null).then().statusCode(200);
        post(ClientsProfile.APP1, stream, null).then().statusCode(200).header("x-cache", "MISS");
        assertEquals(4, gatewayCalls());
    }
}
