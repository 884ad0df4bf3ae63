package com.acme.mpc.gateway.provider.ollama;

import static com.acme.mpc.gateway.provider.ollama.OllamaTestSupport.deployment;

import com.acme.mpc.gateway.config.Deployment;
import com.acme.mpc.gateway.provider.http.UpstreamHttp;
import io.vertx.core.Vertx;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** A real {@link OllamaAdapter} on a plain Vert.x instance, talking to a {@link FakeOllama} on a local port. */
abstract class FakeOllamaTestBase {
    static final Duration WAIT = Duration.ofSeconds(10);
    static final String JSON = "application/json; charset=utf-8";
    static final String NDJSON = "application/x-ndjson";

    Vertx vertx;
    FakeOllama ollama;
    OllamaAdapter adapter;

    @BeforeEach
    void startFakeOllama() throws Exception {
        vertx = Vertx.vertx();
        ollama = FakeOllama.start(vertx);
        adapter = new OllamaAdapter(new UpstreamHttp(vertx));
    }

    @AfterEach
    void stopFakeOllama() throws Exception {
        ollama.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    Deployment deploymentWithKey(String key) {
        // A trailing slash on api_base is common in configs and must not produce "//api/chat".
        return deployment(URI.create(ollama.uri() + "/"), key);
    }
}
