package com.acme.mpc.api.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.acme.mpc.api.ClientsProfile;
import com.acme.mpc.api.standin.StandInGateway;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The media routes relayed under /api: JSON ones with the app attributed in the body, multipart uploads streamed on
 * unchanged (the app in headers) with their own body limit, binary answers relayed whole, models/{id} and the Azure
 * deployment paths (with the api-key header).
 */
@QuarkusTest
@TestProfile(ClientsProfile.class)
class MediaRelayTest {

    @BeforeEach
    void reset() {
        StandInGateway.get().reset();
        CircuitBreakerMaintenance.get().resetAll();
    }

    @Test
    void jsonMediaRoutesAreRelayedWithTheAppAttributed() {
        String[][] calls = {
            {"/api/images/generations", "/v1/images/generations", "{\"model\":\"dall-e-3\",\"prompt\":\"a fox\"}"},
            {"/api/moderations", "/v1/moderations", "{\"input\":\"hello\"}"},
            {"/api/rerank", "/v1/rerank", "{\"model\":\"rerank\",\"query\":\"q\",\"documents\":[\"a\",\"b\"]}"},
            {"/api/v1/rerank", "/v1/rerank", "{\"model\":\"rerank\",\"query\":\"q\",\"documents\":[\"a\",\"b\"]}"},
            {"/api/v2/rerank", "/v2/rerank", "{\"model\":\"rerank\",\"query\":\"q\",\"documents\":[\"a\",\"b\"]}"},
        };
        for (String[] call : calls) {
            given().auth()
                    .oauth2(ClientsProfile.APP1)
                    .contentType("application/json")
                    .body(call[2])
                    .post(call[0])
                    .then()
                    .statusCode(200)
                    .contentType(startsWith("application/json"));
            StandInGateway.Received sent = StandInGateway.get().last(call[1]);
            assertEquals("app1", sent.json().path("user").asText(), call[0]);
            assertEquals("app1", sent.headers().get("x-mpc-end-user"));
        }
    }

    @Test
    void speechIsRelayedAsBinary() {
        byte[] audio = given().auth()
                .oauth2(ClientsProfile.APP1)
                .contentType("application/json")
                .body("{\"model\":\"tts-1\",\"input\":\"Hello\",\"voice\":\"alloy\"}")
                .post("/api/audio/speech")
                .then()
                .statusCode(200)
                .contentType("audio/mpeg")
                .extract()
                .asByteArray();
        assertEquals(StandInGateway.SPEECH_BYTES, audio.length);
        assertTrue(audio[0] == 0x55 && audio[audio.length - 1] == 0x55);
    }

    @Test
    void uploadsAreStreamedOnUnchangedAboveTheJsonLimit() {
        // larger than the JSON body limit, within the upload limit
        byte[] file = new byte[ClientsProfile.MAX_BODY * 3];
        Arrays.fill(file, (byte) 'a');
        for (String op : new String[] {"audio/transcriptions", "audio/translations", "images/edits"}) {
            String field = op.startsWith("images") ? "image" : "file";
            given().auth()
                    .oauth2(ClientsProfile.APP1)
                    .header("x-litellm-tags", "team-x")
                    .multiPart("model", "whisper-1")
                    .multiPart(field, "clip.wav", file, "audio/wav")
                    .post("/api/" + op)
                    .then()
                    .statusCode(200)
                    .contentType(startsWith("application/json"));
            StandInGateway.Received sent = StandInGateway.get().last("/v1/" + op);
            assertTrue(sent.headers().get("content-type").startsWith("multipart/form-data; boundary="));
            assertTrue(sent.body().contains("name=\"model\""), sent.body().substring(0, 200));
            assertTrue(
                    sent.body().contains("\r\n\r\nwhisper-1\r\n"), sent.body().substring(0, 200));
            assertTrue(sent.body().contains("a".repeat(file.length)), op + " file relayed whole");
            assertEquals("app1", sent.headers().get("x-mpc-end-user"));
            assertEquals("team-x,app:app1", sent.headers().get("x-litellm-tags"));
        }
    }

    @Test
    void anUploadOverItsLimitIs413AndAJsonBodyKeepsItsOwn() {
        byte[] file = new byte[ClientsProfile.MAX_UPLOAD + 1024];
        given().auth()
                .oauth2(ClientsProfile.APP1)
                .multiPart("model", "whisper-1")
                .multiPart("file", "clip.wav", file, "audio/wav")
                .post("/api/audio/transcriptions")
                .then()
                .statusCode(413)
                .body("error.code", equalTo("request_too_large"));
        String big = "{\"model\":\"dall-e-3\",\"prompt\":\"" + "x".repeat(ClientsProfile.MAX_BODY) + "\"}";
        given().auth()
                .oauth2(ClientsProfile.APP1)
                .contentType("application/json")
                .body(big.getBytes(StandardCharsets.UTF_8))
                .post("/api/images/generations")
                .then()
                .statusCode(413)
                .body("error.code", equalTo("request_too_large"));
    }

    @Test
    void modelsRetrieveAndAzurePaths() {
        given().auth()
                .oauth2(ClientsProfile.APP1)
                .urlEncodingEnabled(false)
                .get("/api/models/openai%2Fgpt-4o")
                .then()
                .statusCode(200)
                .body("id", equalTo("openai/gpt-4o"));
        given().header("api-key", ClientsProfile.APP1)
                .queryParam("api-version", "2024-10-21")
                .contentType("application/json")
                .body("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .post("/api/openai/deployments/demo-chat/chat/completions")
                .then()
                .statusCode(200)
                .body("object", equalTo("chat.completion"));
        StandInGateway.Received sent = StandInGateway.get().last("/openai/deployments/demo-chat/chat/completions");
        assertEquals("api-version=2024-10-21", sent.query());
        assertEquals("app1", sent.json().path("user").asText());
    }
}
