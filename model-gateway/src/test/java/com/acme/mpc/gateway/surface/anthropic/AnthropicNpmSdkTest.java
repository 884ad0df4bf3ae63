package com.acme.mpc.gateway.surface.anthropic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The official npm Anthropic SDK ({@code @anthropic-ai/sdk}, pinned in src/test/node/anthropic-sdk/package-lock.json)
 * against the gateway: the checks are in messages.test.mjs (node's own test runner), against the same fake providers
 * and config as {@link AnthropicSdkTest}. The package is installed with {@code npm ci} into target/ (npm's cache makes
 * reruns fast). Skipped when node or npm is not installed, unless CI_STRICT=true: then that fails the build.
 */
@QuarkusTest
@TestProfile(MessagesTestResource.Profile.class)
class AnthropicNpmSdkTest {
    private static final Path SOURCES = Path.of("src/test/node/anthropic-sdk");
    private static final Path WORK = Path.of("target/node/anthropic-sdk");
    private static final List<String> FILES = List.of("package.json", "package-lock.json", "messages.test.mjs");

    @TestHTTPResource("/")
    URL root;

    @Test
    void theNpmSdkWorksAgainstTheGateway() throws Exception {
        boolean strict = "true".equals(System.getenv("CI_STRICT"));
        boolean tools = runs("node", "--version") && runs("npm", "--version");
        if (strict) {
            assertThat(tools)
                    .as("CI_STRICT=true: node and npm must be installed")
                    .isTrue();
        }
        assumeTrue(tools, "node/npm are not installed: the npm Anthropic SDK check is skipped");

        Files.createDirectories(WORK);
        for (String f : FILES) {
            Files.copy(SOURCES.resolve(f), WORK.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
        Path installed = WORK.resolve("node_modules/.package-lock.json");
        if (!Files.exists(installed)
                || !Files.readString(installed).contains("\"@anthropic-ai/sdk\"")
                || Files.getLastModifiedTime(installed)
                                .compareTo(Files.getLastModifiedTime(SOURCES.resolve("package-lock.json")))
                        < 0) {
            Result install = run(
                    List.of("npm", "ci", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"),
                    Map.of(),
                    300);
            assertThat(install.exit)
                    .as("npm ci in %s:%n%s", WORK, install.output)
                    .isZero();
        }

        Result run = run(
                List.of("node", "--test", "--test-reporter=spec", "messages.test.mjs"),
                Map.of("GATEWAY_URL", root.toString().replaceAll("/$", ""), "GATEWAY_KEY", "sk-test-master"),
                180);
        System.out.println(run.output);
        assertThat(run.exit)
                .as("node --test messages.test.mjs:%n%s", run.output)
                .isZero();
        // a runner that found no tests would also exit 0: the spec reporter's summary must count passes, no failure
        assertThat(run.output).containsPattern("(?m)^\\S+ pass [1-9]\\d*$").containsPattern("(?m)^\\S+ fail 0$");
    }

    private record Result(int exit, String output) {}

    private static Result run(List<String> command, Map<String, String> env, int timeoutSeconds)
            throws IOException, InterruptedException {
        Path log = Files.createTempFile("npm-sdk-", ".log");
        try {
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(WORK.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            builder.environment().keySet().removeIf(k -> k.startsWith("ANTHROPIC_"));
            builder.environment().putAll(env);
            Process p = builder.start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, "timed out after " + timeoutSeconds + " s\n" + Files.readString(log));
            }
            return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private static boolean runs(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
