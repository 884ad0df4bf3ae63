package com.acme.mpc.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A corpus of LiteLLM configs written after LiteLLM's own documentation pages (each file names its page): every one
 * starts, lists the model groups its {@code # expect-groups:} line names, and lists exactly the entries of its
 * {@code # expect-unavailable:} line as unavailable (served by no adapter here) instead of refusing to start.
 */
class LiteLlmConfigCorpusTest {
    private static final Path CORPUS = Path.of("src/test/resources/litellm-corpus");

    /** Every variable a config names is set, to a value of the right kind for its name. */
    private static final Function<String, String> ENV = name -> {
        if (name.endsWith("_PORT")) {
            return "6379";
        }
        if (name.endsWith("_HOST")) {
            return "127.0.0.1";
        }
        if (name.endsWith("_API_BASE")) {
            return "https://corpus-" + name.toLowerCase(Locale.ROOT).replace('_', '-') + ".example/";
        }
        return "test-" + name;
    };

    static Stream<Path> corpus() throws IOException {
        try (Stream<Path> files = Files.list(CORPUS)) {
            List<Path> all =
                    files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
            assertThat(all).as("corpus files").hasSizeGreaterThanOrEqualTo(14);
            return all.stream();
        }
    }

    private static Set<String> expected(Path file, String tag) throws IOException {
        String prefix = "# " + tag + ":";
        return Files.readAllLines(file).stream()
                .filter(l -> l.startsWith(prefix))
                .findFirst()
                .map(l -> Arrays.stream(l.substring(prefix.length()).split(","))
                        .map(String::trim)
                        .filter(s -> !s.isEmpty())
                        .collect(Collectors.toCollection(TreeSet::new)))
                .orElse(new TreeSet<>());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void everyConfigStartsAndListsItsModels(Path file) throws IOException {
        GatewayConfig config;
        try {
            config = new ConfigLoader(ENV).load(file);
        } catch (ConfigException e) {
            fail(file.getFileName() + " does not start: " + e.getMessage());
            return;
        }
        assertThat(new TreeSet<>(config.groups().keySet()))
                .as("model groups of " + file.getFileName())
                .isEqualTo(expected(file, "expect-groups"));
        Set<String> unavailable = config.deployments().stream()
                .filter(d -> !d.available())
                .map(Deployment::modelName)
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(unavailable)
                .as("unavailable entries of " + file.getFileName())
                .isEqualTo(expected(file, "expect-unavailable"));
        if (!unavailable.isEmpty()) {
            // CI users can ask for fail-fast instead (gateway.config.strict)
            assertThatThrownBy(() -> new ConfigLoader(ENV, true).load(file))
                    .isInstanceOfSatisfying(
                            ConfigException.class,
                            e -> assertThat(e.problems())
                                    .filteredOn(p -> p.endsWith("(gateway.config.strict is on)"))
                                    .hasSize(unavailable.size()));
        }
    }
}
