package com.acme.mpc.gateway.logging;

import com.acme.mpc.gateway.testsupport.FakeUpstream;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fake provider over real HTTP and a gateway with the body-logging debug switch and tracing on: the logging and
 * tracing tests share this one application. {@code obs-flaky} fails once (500), then answers; {@code obs-ok} answers
 * (streamed when asked); {@code obs-down} always fails.
 */
public class ObservabilityTestResource implements QuarkusTestResourceLifecycleManager {
    public static final String MASTER_KEY = "sk-test-master";
    public static final String UPSTREAM_KEY = "sk-upstream-secret-123456";
    public static FakeUpstream upstream;
    public static final AtomicInteger flaky = new AtomicInteger();

    /** Its own application: bodies logged, tracing on (spans to testsupport/InMemorySpans). */
    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "gateway.log.bodies", "true",
                    "gateway.log.access-fields", "true",
                    "quarkus.otel.sdk.disabled", "false",
                    "quarkus.otel.bsp.schedule.delay", "5ms");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(ObservabilityTestResource.class));
        }
    }

    @Override
    public Map<String, String> start() {
        var ok = FakeUpstream.fixture("fixtures/openai/chat-completion.json");
        var okOrStream = FakeUpstream.chatOrStream();
        var err500 = FakeUpstream.serverError();
        upstream = new FakeUpstream()
                .onModel("obs-ok", okOrStream)
                .onModel("obs-flaky", FakeUpstream.failFirst(flaky, 1, err500, ok))
                .onModel("obs-down", err500);
        String yaml = """
                model_list:
                  - model_name: obs-chat
                    litellm_params: {model: openai/obs-ok, api_base: %1$s, api_key: %2$s}
                    model_info: {id: obs-chat-1, input_cost_per_token: 0.000001, output_cost_per_token: 0.000002}
                  - model_name: obs-flaky
                    litellm_params: {model: openai/obs-flaky, api_base: %1$s, api_key: %2$s}
                    model_info: {id: obs-flaky-1}
                  - model_name: obs-down
                    litellm_params: {model: openai/obs-down, api_base: %1$s, api_key: %2$s}
                    model_info: {id: obs-down-1}
                router_settings:
                  num_retries: 1
                  retry_backoff_base: 0.01
                  retry_backoff_max: 0.02
                  allowed_fails: 100
                general_settings:
                  master_key: %3$s
                """.formatted(upstream.baseUrl() + "/v1", UPSTREAM_KEY, MASTER_KEY);
        try {
            Path file = Files.createTempFile("gateway-observability-", ".yaml");
            Files.writeString(file, yaml);
            file.toFile().deleteOnExit();
            return Map.of("gateway.config-file", file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void stop() {
        if (upstream != null) {
            upstream.close();
        }
    }
}
