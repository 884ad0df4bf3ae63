package com.acme.mpc.api.rest;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.acme.mpc.api.OpenProfile;
import com.acme.mpc.api.standin.StandInGateway;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Without client tokens, gateway key or cache, mpc-api passes requests through as they are. */
@QuarkusTest
@TestProfile(OpenProfile.class)
class OpenModeTest {

    @BeforeEach
    void reset() {
        StandInGateway.get().reset();
    }

    @Test
    void shouldRelayTheBodyByteForByteAndTheCallersOwnKey() {
        String body = "{ \"model\" : \"demo-chat\",\n \"messages\":[{\"role\":\"user\",\"content\":\"h\u00e9\"}] }";
        given().header("authorization", "Bearer sk-virtual-key-of-the-app")
                .contentType("application/json; charset=utf-8")
                .body(body)
                .post("/api/chat/completions")
                .then()
                .statusCode(200);
        StandInGateway.Received upstream = StandInGateway.get().last("/v1/chat/completions");
        assertEquals(body, upstream.body());
        assertEquals("Bearer sk-virtual-key-of-the-app", upstream.headers().get("authorization"));
        assertEquals("anonymous", upstream.headers().get("x-mpc-end-user"));
    }

    @Test
    void shouldPassAnAnthropicClientsOwnXApiKeyOn() {
        String body = "{\"model\":\"claude\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        given().header("x-api-key", "sk-virtual-key-of-claude-code")
                .header("x-litellm-tags", "team:search")
                .contentType("application/json")
                .body(body)
                .post("/api/v1/messages")
                .then()
                .statusCode(200);
        StandInGateway.Received upstream = StandInGateway.get().last("/v1/messages");
        assertEquals(body, upstream.body());
        assertEquals("sk-virtual-key-of-claude-code", upstream.headers().get("x-api-key"));
        assertNull(upstream.headers().get("authorization"));
        // no app to name: the client's own tags only
        assertEquals("team:search", upstream.headers().get("x-litellm-tags"));
    }

    @Test
    void shouldNotAddACacheHeaderWhenTheCacheIsOff() {
        String cache = given().contentType("application/json")
                .body(ProxyTest.chatBody("demo-chat", ""))
                .post("/api/chat/completions")
                .then()
                .statusCode(200)
                .extract()
                .header("x-cache");
        assertNull(cache);
    }
}
