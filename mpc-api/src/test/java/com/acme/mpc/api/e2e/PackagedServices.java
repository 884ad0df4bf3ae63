package com.acme.mpc.api.e2e;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged services of an end-to-end test as real processes: each started with only the environment the test
 * gives it (no key or URL of the machine leaks in), its output in a log file, and all stopped together.
 */
final class PackagedServices implements AutoCloseable {
    static final Path MODULE = Path.of(System.getProperty("user.dir"));
    static final Path MPC_API_JAR = MODULE.resolve("target/quarkus-app/quarkus-run.jar");
    static final Path GATEWAY_JAR = Path.of(System.getProperty(
            "model-gateway.jar",
            MODULE.resolve("../model-gateway/target/quarkus-app/quarkus-run.jar")
                    .toString()));
    static final Path COST_TRACKER_JAR = Path.of(System.getProperty(
            "cost-tracker.jar",
            MODULE.resolve("../cost-tracker/target/quarkus-app/quarkus-run.jar").toString()));

    private final List<Process> processes = new ArrayList<>();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    /** Starts {@code jar} on {@code port}; stdout goes to {@code log}, stderr to {@code log}.err when given. */
    void start(Path jar, int port, Map<String, String> env, Path log, boolean separateStderr) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder builder = new ProcessBuilder(java, "-Dquarkus.http.port=" + port, "-jar", jar.toString())
                .directory(log.getParent().toFile())
                .redirectOutput(log.toFile());
        if (separateStderr) {
            builder.redirectError(log.resolveSibling(log.getFileName() + ".err").toFile());
        } else {
            builder.redirectErrorStream(true);
        }
        builder.environment()
                .keySet()
                .removeIf(k -> k.startsWith("MPC_API_")
                        || k.startsWith("LITELLM_")
                        || k.startsWith("QUARKUS_")
                        || k.startsWith("GATEWAY_")
                        || k.startsWith("COST_TRACKER_")
                        || k.equals("CONFIG_FILE_PATH")
                        || k.equals("PORT"));
        builder.environment().putAll(env);
        processes.add(builder.start());
    }

    /** Waits until {@code url} answers 200 (every started process must stay alive meanwhile). */
    void await(String url, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (Process process : processes) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("a service exited early; see the logs in target/");
                }
            }
            try {
                HttpResponse<Void> response = http.send(
                        HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException(url + " did not answer 200 within " + timeout + "; see the logs in target/");
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** SIGTERM to all, then SIGKILL to whatever is still running after 10 s. */
    @Override
    public void close() {
        for (Process process : processes) {
            process.destroy();
        }
        for (Process process : processes) {
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
