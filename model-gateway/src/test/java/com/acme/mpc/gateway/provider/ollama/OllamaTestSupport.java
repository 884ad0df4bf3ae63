package com.acme.mpc.gateway.provider.ollama;

import com.acme.mpc.gateway.config.Deployment;
import com.acme.mpc.gateway.config.ProviderKind;
import com.acme.mpc.gateway.core.CallType;
import com.acme.mpc.gateway.core.Json;
import com.acme.mpc.gateway.provider.UpstreamCall;
import com.acme.mpc.gateway.testsupport.TestDeployments;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Comparator;
import org.junit.jupiter.api.Assertions;

final class OllamaTestSupport {
    private OllamaTestSupport() {}

    static byte[] fixtureBytes(String name) {
        try (InputStream in = OllamaTestSupport.class.getResourceAsStream("/fixtures/ollama/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String fixture(String name) {
        return new String(fixtureBytes(name), StandardCharsets.UTF_8);
    }

    static ObjectNode json(String text) {
        ObjectNode node = Json.objectOrNull(text);
        if (node == null) {
            throw new IllegalArgumentException("not a JSON object: " + text);
        }
        return node;
    }

    /**
     * JSON equality where numbers compare by value: Jackson parses 26 as an int node but the mappers write longs, and
     * plain {@code equals} tells those apart.
     */
    static void assertJsonEquals(JsonNode expected, JsonNode actual) {
        Comparator<JsonNode> byValue = (a, b) -> {
            if (a.isNumber() && b.isNumber()) {
                return a.decimalValue().compareTo(b.decimalValue());
            }
            return a.equals(b) ? 0 : 1;
        };
        if (actual == null || !expected.equals(byValue, actual)) {
            Assertions.assertEquals(expected.toPrettyString(), actual == null ? null : actual.toPrettyString());
            Assertions.fail("JSON differs only in number types: " + actual);
        }
    }

    static Deployment deployment(URI apiBase, String apiKey) {
        return TestDeployments.of(ProviderKind.OLLAMA_CHAT, "llama3.2", apiBase.toString(), apiKey, null);
    }

    static UpstreamCall call(Deployment d, CallType type, String body) {
        return new UpstreamCall(d, type, json(body), "req-1", Duration.ofSeconds(5), Duration.ofSeconds(5));
    }
}
