package com.acme.mpc.testsupport.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Assertions on the error bodies the services write: OpenAI's shape ({@code {"error":{"message","type","param",
 * "code"}}}) everywhere, Anthropic's ({@code {"type":"error","error":{"type","message"}}}) on the Anthropic surface.
 */
public final class ErrorShapes {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ErrorShapes() {}

    /** The {@code error} object of an OpenAI-shaped error body. */
    public static JsonNode openAiError(String body) {
        return openAiError(json(body, body), body);
    }

    /** The {@code error} object of an OpenAI-shaped error body; {@code what} describes it in a failure. */
    public static JsonNode openAiError(JsonNode body, String what) {
        JsonNode error = body.get("error");
        assertThat(error).as(what).isNotNull();
        assertThat(error.path("message").isTextual()).as(what).isTrue();
        assertThat(error.path("type").isTextual()).as(what).isTrue();
        assertThat(error.has("param")).as(what).isTrue();
        assertThat(error.has("code")).as(what).isTrue();
        return error;
    }

    /** The {@code error} object of an Anthropic-shaped error body. */
    public static JsonNode anthropicError(String body) {
        return anthropicError(json(body, body), body);
    }

    /** The {@code error} object of an Anthropic-shaped error body; {@code what} describes it in a failure. */
    public static JsonNode anthropicError(JsonNode body, String what) {
        assertThat(body.path("type").asText()).as(what).isEqualTo("error");
        assertThat(body.path("error").path("type").isTextual()).as(what).isTrue();
        assertThat(body.path("error").path("message").isTextual()).as(what).isTrue();
        return body.get("error");
    }

    /** The body as JSON, or an assertion error naming {@code what} when it is not JSON. */
    public static JsonNode json(String body, String what) {
        JsonNode node;
        try {
            node = JSON.readTree(body);
        } catch (Exception e) {
            throw new AssertionError("error body is not JSON: " + what, e);
        }
        assertThat(node).as(what).isNotNull();
        return node;
    }
}
