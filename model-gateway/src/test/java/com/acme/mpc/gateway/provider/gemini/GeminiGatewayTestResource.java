package com.acme.mpc.gateway.provider.gemini;

import com.acme.mpc.gateway.testsupport.FakeUpstream;
import com.acme.mpc.gateway.testsupport.TestConfigFiles;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;
import java.util.Map;

/**
 * A local server speaking Gemini's REST API (answers chosen by URL path, as Gemini puts the model and method there)
 * and a LiteLLM config with {@code gemini/} chat and embedding deployments pointing at it.
 */
public class GeminiGatewayTestResource implements QuarkusTestResourceLifecycleManager {
    static FakeUpstream gemini;

    /** Runs the Gemini gateway tests in their own application with this resource. */
    public static class Profile implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(GeminiGatewayTestResource.class));
        }
    }

    @Override
    public Map<String, String> start() {
        gemini = new FakeUpstream().otherwise((req, rec) -> {
            String path = rec.path();
            if (path.endsWith(":streamGenerateContent")) {
                // Gemini's framing: CRLF line ends (the repository stores the recordings with LF)
                String sse = FakeUpstream.read(
                                rec.body().contains("functionDeclarations")
                                        ? "fixtures/gemini/stream-tool-call.sse"
                                        : "fixtures/gemini/stream-text.sse")
                        .replace("\n", "\r\n");
                req.response().setChunked(true).putHeader("content-type", "text/event-stream");
                for (String event : sse.split("(?<=\r\n\r\n)")) {
                    req.response().write(event);
                }
                req.response().end();
            } else if (path.endsWith(":generateContent")) {
                FakeUpstream.fixture(
                                rec.body().contains("functionDeclarations")
                                        ? "fixtures/gemini/generate-tool-call.json"
                                        : "fixtures/gemini/generate-text.json")
                        .accept(req, rec);
            } else if (path.endsWith(":batchEmbedContents")) {
                FakeUpstream.fixture("fixtures/gemini/batch-embed-contents.json")
                        .accept(req, rec);
            } else if (path.endsWith(":embedContent")) {
                FakeUpstream.fixture("fixtures/gemini/embed-content.json").accept(req, rec);
            } else {
                FakeUpstream.status(404, "fixtures/gemini/error-404-not-found.json", Map.of())
                        .accept(req, rec);
            }
        });
        String yaml = """
                model_list:
                  - model_name: gemini-flash
                    litellm_params: {model: gemini/gemini-2.5-flash, api_base: %1$s, api_key: AIzaSy-gateway-test-key}
                    model_info: {id: gemini-flash-1, input_cost_per_token: 0.0000003, output_cost_per_token: 0.0000025}
                  - model_name: gemini-embed
                    litellm_params: {model: gemini/gemini-embedding-001, api_base: %1$s, api_key: AIzaSy-gateway-test-key}
                    model_info: {id: gemini-embed-1, mode: embedding, input_cost_per_token: 0.00000015}
                general_settings:
                  master_key: sk-test-master
                """.formatted(gemini.baseUrl());
        return Map.of("gateway.config-file", TestConfigFiles.write("gateway-gemini-", yaml));
    }

    @Override
    public void stop() {
        if (gemini != null) {
            gemini.close();
        }
    }
}
