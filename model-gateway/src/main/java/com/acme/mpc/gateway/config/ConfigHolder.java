package com.acme.mpc.gateway.config;

import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Loads the LiteLLM config once at startup; deployments added at run time ({@code /model/new}) are served on top of
 * it through {@link #use}. A broken config stops the process with a message naming the file, each
 * key path and the problem: serving with a half-read config would route traffic wrongly. An entry that is valid but
 * cannot be served (unsupported provider, no credentials) is logged and listed as unavailable unless
 * {@code gateway.config.strict}.
 */
@Startup
@ApplicationScoped
public class ConfigHolder {
    private static final Logger LOG = Logger.getLogger(ConfigHolder.class);

    /** Set by {@code GatewayMain} from {@code --config}; highest precedence. */
    static volatile String commandLinePath;

    /** The file's config: what every replica serves before (and besides) deployments stored at run time. */
    private final GatewayConfig fileConfig;

    /**
     * What requests see: the file's config plus the stored deployments (models.StoredModels swaps it). Read once per
     * use; a bean must not keep the value, or it misses models added later.
     */
    private volatile GatewayConfig config;

    public ConfigHolder(GatewaySettings settings, @ConfigProperty(name = "CONFIG_FILE_PATH") Optional<String> envPath) {
        Path path = resolve(settings, envPath.orElse(null));
        ConfigLoader loader =
                ConfigLoader.withSystemEnvironment(settings.config().strict());
        if (path == null) {
            LOG.warn("no config file given (--config, CONFIG_FILE_PATH or gateway.config-file) and no ./config.yaml:"
                    + " serving no models");
            this.fileConfig = loader.parse("{}", "(none)");
        } else {
            this.fileConfig = loader.load(path);
            LOG.infof(
                    "loaded %s: %d deployments (%d unavailable) in %d model groups, auth %s",
                    path,
                    fileConfig.deployments().size(),
                    fileConfig.deployments().stream()
                            .filter(d -> !d.available())
                            .count(),
                    fileConfig.groups().size(),
                    fileConfig.masterKey() == null ? "DISABLED (no general_settings.master_key)" : "master key");
        }
        loader.notices().forEach(n -> LOG.warnf("config %s: %s", path, n));
        this.config = fileConfig;
    }

    public static void setCommandLinePath(String path) {
        commandLinePath = path;
    }

    private static Path resolve(GatewaySettings settings, String envPath) {
        if (commandLinePath != null && !commandLinePath.isBlank()) {
            return Path.of(commandLinePath);
        }
        if (envPath != null && !envPath.isBlank()) {
            return Path.of(envPath);
        }
        if (settings.configFile().isPresent()) {
            return Path.of(settings.configFile().get());
        }
        Path local = Path.of("config.yaml");
        return Files.exists(local) ? local : null;
    }

    /** The config in force now (the file's plus stored deployments). */
    public GatewayConfig config() {
        return config;
    }

    /** The config file's own config, without stored deployments. */
    public GatewayConfig fileConfig() {
        return fileConfig;
    }

    /** Serves {@code next} from now on (built from {@link #fileConfig()} by {@link GatewayConfig#withStored}). */
    public void use(GatewayConfig next) {
        this.config = next;
    }
}
