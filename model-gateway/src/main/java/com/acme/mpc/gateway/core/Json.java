package com.acme.mpc.gateway.core;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;

/** The gateway's one JSON codec: a shared, thread-safe mapper, so no request pays for configuring one. */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper();

    /**
     * Client bodies are read strictly: a duplicate key or anything after the JSON value is refused rather than
     * "last one wins" or ignored, since a provider (or a later parser) could read the body differently.
     */
    private static final ObjectReader STRICT = MAPPER.reader()
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private Json() {}

    public static Buffer toBuffer(JsonNode node) {
        try {
            return Buffer.buffer(MAPPER.writeValueAsBytes(node));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize JSON", e);
        }
    }

    public static byte[] toBytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize JSON", e);
        }
    }

    /**
     * A client's request body, which must be a JSON object encoded as UTF-8; anything else is a 400 saying what is
     * wrong and where, in the client's terms (never Jackson's names).
     */
    public static ObjectNode clientObject(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            throw GatewayException.badRequest("request body is empty; expected a JSON object", null);
        }
        if (!looksLikeUtf8(bytes)) {
            throw GatewayException.badRequest("the request body must be JSON encoded as UTF-8", null);
        }
        JsonNode node;
        try {
            node = STRICT.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw GatewayException.badRequest(JsonErrors.message(e), JsonErrors.param(e));
        } catch (IOException e) {
            throw GatewayException.badRequest("unreadable request body", null);
        }
        if (!(node instanceof ObjectNode object)) {
            throw GatewayException.badRequest("request body must be a JSON object", null);
        }
        return object;
    }

    /**
     * False for bodies that announce UTF-16 or UTF-32 (a byte order mark, or a NUL in the first four bytes), which
     * Jackson would otherwise detect and decode silently. A UTF-8 byte order mark is tolerated, as JSON allows.
     */
    static boolean looksLikeUtf8(byte[] b) {
        if (b.length >= 2
                && ((b[0] == (byte) 0xFE && b[1] == (byte) 0xFF) || (b[0] == (byte) 0xFF && b[1] == (byte) 0xFE))) {
            return false;
        }
        for (int i = 0; i < Math.min(4, b.length); i++) {
            if (b[i] == 0) {
                return false;
            }
        }
        return true;
    }

    /** Parses an upstream body that must be a JSON object; null when it is not. */
    public static ObjectNode objectOrNull(String text) {
        try {
            JsonNode node = MAPPER.readTree(text);
            return node instanceof ObjectNode o ? o : null;
        } catch (IOException e) {
            return null;
        }
    }

    public static ObjectNode objectOrNull(byte[] bytes) {
        try {
            JsonNode node = MAPPER.readTree(bytes);
            return node instanceof ObjectNode o ? o : null;
        } catch (IOException e) {
            return null;
        }
    }
}
