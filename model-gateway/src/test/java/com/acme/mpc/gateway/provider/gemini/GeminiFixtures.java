package com.acme.mpc.gateway.provider.gemini;

import com.acme.mpc.gateway.config.Deployment;
import com.acme.mpc.gateway.config.ModelInfo;
import com.acme.mpc.gateway.config.ProviderKind;
import com.acme.mpc.gateway.core.CallType;
import com.acme.mpc.gateway.provider.UpstreamCall;
import com.acme.mpc.gateway.testsupport.FakeUpstream;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;

/** Shared test helpers: fixture files, deployments and calls. */
final class GeminiFixtures {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String API_KEY = "AIzaSyTest-gemini-key-0123456789";
    static final long CREATED = 1_764_300_000L;

    private GeminiFixtures() {}

    static String text(String name) {
        return FakeUpstream.read("fixtures/gemini/" + name);
    }

    /**
     * A stream recording with Gemini's framing: Google ends each SSE line with CRLF ({@code \r\n\r\n} between
     * events); the repository stores text files with LF only, so the CRs are put back here.
     */
    static String sse(String name) {
        return crlf(text(name));
    }

    static String crlf(String lf) {
        return lf.replace("\n", "\r\n");
    }

    static ObjectNode json(String jsonText) {
        try {
            return (ObjectNode) JSON.readTree(jsonText);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ObjectNode fixtureJson(String name) {
        return json(text(name));
    }

    static Deployment deployment(URI apiBase, String apiKey, String model) {
        return new Deployment(
                0,
                "gemini-test",
                "gemini-flash",
                ProviderKind.GEMINI,
                model,
                apiBase,
                apiKey,
                null,
                null,
                null,
                null,
                Duration.ofSeconds(10),
                Duration.ofSeconds(10),
                null,
                null,
                JsonNodeFactory.instance.objectNode(),
                new ModelInfo(null, null, null, null, null, null, null, null, JsonNodeFactory.instance.objectNode()));
    }

    static UpstreamCall call(Deployment d, CallType type, ObjectNode body) {
        return new UpstreamCall(d, type, body, "req-1", Duration.ofSeconds(10), Duration.ofSeconds(5));
    }
}
