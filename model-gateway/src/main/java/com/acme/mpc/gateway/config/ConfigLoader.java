package com.acme.mpc.gateway.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads a LiteLLM proxy {@code config.yaml}. Every value may be {@code os.environ/NAME}. Problems are collected with
 * their key paths and thrown together as a {@link ConfigException}; keys LiteLLM knows but this gateway does not
 * implement are accepted and reported through {@link #notices()}.
 */
public final class ConfigLoader {
    private static final String ENV_PREFIX = "os.environ/";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** litellm_params keys with a meaning of their own; any other key is passed to the provider with each request. */
    private static final Set<String> INTERPRETED_PARAMS = Set.of(
            "model",
            "api_key",
            "api_base",
            "base_url",
            "api_version",
            "rpm",
            "tpm",
            "weight",
            "timeout",
            "stream_timeout",
            "max_tokens",
            "mock_response",
            "input_cost_per_token",
            "output_cost_per_token",
            "max_retries",
            "organization",
            "tags",
            "region_name",
            "custom_llm_provider",
            "use_in_pass_through",
            "merge_reasoning_content_in_choices",
            "drop_params");

    private static final Set<String> GENERAL_SUPPORTED = Set.of("master_key");
    private static final Set<String> ROUTER_KEYS = Set.of(
            "routing_strategy",
            "num_retries",
            "timeout",
            "stream_timeout",
            "allowed_fails",
            "cooldown_time",
            "fallbacks",
            "context_window_fallbacks",
            "content_policy_fallbacks",
            "default_fallbacks",
            "redis_host",
            "redis_port",
            "redis_password",
            "redis_url",
            "retry_backoff_base",
            "retry_backoff_max",
            "max_retry_after");
    private static final Set<String> LITELLM_KEYS = Set.of(
            "drop_params",
            "num_retries",
            "request_timeout",
            "cache",
            "cache_params",
            "fallbacks",
            "context_window_fallbacks",
            "content_policy_fallbacks",
            "default_fallbacks",
            "callbacks",
            "success_callback",
            "failure_callback",
            "set_verbose",
            "json_logs");

    private final Function<String, String> environment;
    private final List<String> notices = new ArrayList<>();

    public ConfigLoader(Function<String, String> environment) {
        this.environment = environment;
    }

    public static ConfigLoader withSystemEnvironment() {
        return new ConfigLoader(System::getenv);
    }

    /** Features that are configured but not (yet) implemented by this gateway; logged at startup. */
    public List<String> notices() {
        return notices;
    }

    public GatewayConfig load(Path file) {
        String source = file.toString();
        JsonNode root;
        try {
            root = YAML.readTree(Files.readString(file, StandardCharsets.UTF_8));
        } catch (java.nio.file.NoSuchFileException e) {
            throw new ConfigException(source, List.of("file not found"));
        } catch (IOException e) {
            throw new ConfigException(source, List.of("not valid YAML: " + firstLine(e.getMessage())));
        }
        return parse(root, file, source);
    }

    public GatewayConfig parse(String yaml, String source) {
        try {
            return parse(YAML.readTree(yaml), null, source);
        } catch (IOException e) {
            throw new ConfigException(source, List.of("not valid YAML: " + firstLine(e.getMessage())));
        }
    }

    private GatewayConfig parse(JsonNode root, Path file, String source) {
        ConfigTree tree = new ConfigTree();
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw new ConfigException(source, List.of("file is empty; expected at least model_list"));
        }
        if (!root.isObject()) {
            throw new ConfigException(source, List.of("expected a mapping at the top level"));
        }
        Map<String, String> configEnv = readEnvironmentVariables(root.get("environment_variables"), tree);
        JsonNode resolved = resolveEnvRefs(root, "", configEnv, tree);

        for (Iterator<String> it = resolved.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!Set.of(
                            "model_list",
                            "general_settings",
                            "router_settings",
                            "litellm_settings",
                            "environment_variables")
                    .contains(key)) {
                notices.add(key + ": section not supported by this gateway; ignored");
            }
        }

        List<Deployment> deployments = readModelList(resolved.get("model_list"), tree);
        String masterKey = readGeneralSettings(resolved.get("general_settings"), tree);
        JsonNode litellm = objectOrEmpty(resolved.get("litellm_settings"), "litellm_settings", tree);
        JsonNode router = objectOrEmpty(resolved.get("router_settings"), "router_settings", tree);
        Set<String> groupNames = new LinkedHashSet<>();
        deployments.forEach(d -> groupNames.add(d.modelName()));
        RouterSettings routerSettings = readRouterSettings(router, litellm, groupNames, tree);
        CacheSettings cache = readCacheSettings(litellm, tree);
        Boolean dropParams = tree.bool(litellm.get("drop_params"), "litellm_settings.drop_params");
        for (Iterator<String> it = litellm.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!LITELLM_KEYS.contains(key)) {
                notices.add("litellm_settings." + key + ": not supported by this gateway; ignored");
            } else if (Set.of("callbacks", "success_callback", "failure_callback")
                    .contains(key)) {
                notices.add("litellm_settings." + key
                        + ": callbacks are not run; Prometheus metrics are always served at /metrics");
            }
        }

        if (!tree.problems().isEmpty()) {
            throw new ConfigException(source, tree.problems());
        }
        return new GatewayConfig(
                file,
                List.copyOf(deployments),
                GatewayConfig.groupByModelName(deployments),
                masterKey,
                routerSettings,
                cache,
                Boolean.TRUE.equals(dropParams));
    }

    private Map<String, String> readEnvironmentVariables(JsonNode node, ConfigTree tree) {
        Map<String, String> env = new HashMap<>();
        if (node == null || node.isNull()) {
            return env;
        }
        if (!node.isObject()) {
            tree.problem("environment_variables", "expected a mapping of NAME: value");
            return env;
        }
        node.fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
        return env;
    }

    /** Replaces every {@code os.environ/NAME} string by the variable's value (null when unset). */
    private JsonNode resolveEnvRefs(JsonNode node, String path, Map<String, String> configEnv, ConfigTree tree) {
        if (node.isTextual() && node.asText().startsWith(ENV_PREFIX)) {
            String name = node.asText().substring(ENV_PREFIX.length()).trim();
            if (name.isEmpty()) {
                tree.problem(path, "'os.environ/' names no variable");
                return JsonNodeFactory.instance.nullNode();
            }
            String value = configEnv.containsKey(name) ? configEnv.get(name) : environment.apply(name);
            if (value == null || value.isEmpty()) {
                notices.add(path + ": environment variable " + name + " is not set");
                return JsonNodeFactory.instance.nullNode();
            }
            return TextNode.valueOf(value);
        }
        if (node.isObject()) {
            ObjectNode copy = JsonNodeFactory.instance.objectNode();
            node.fields()
                    .forEachRemaining(e -> copy.set(
                            e.getKey(), resolveEnvRefs(e.getValue(), join(path, e.getKey()), configEnv, tree)));
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = JsonNodeFactory.instance.arrayNode();
            for (int i = 0; i < node.size(); i++) {
                copy.add(resolveEnvRefs(node.get(i), path + "[" + i + "]", configEnv, tree));
            }
            return copy;
        }
        return node;
    }

    private List<Deployment> readModelList(JsonNode list, ConfigTree tree) {
        List<Deployment> result = new ArrayList<>();
        if (list == null || list.isNull()) {
            tree.problem("model_list", "missing; declare at least one model");
            return result;
        }
        if (!list.isArray()) {
            tree.problem("model_list", "expected a list, got " + ConfigTree.kind(list));
            return result;
        }
        Set<String> ids = new LinkedHashSet<>();
        for (int i = 0; i < list.size(); i++) {
            Deployment d = new DeploymentReader(tree, list.get(i), "model_list[" + i + "]", i).read();
            if (d != null) {
                if (!ids.add(d.id())) {
                    tree.problem("model_list[" + i + "].model_info.id", "duplicate deployment id '" + d.id() + "'");
                }
                result.add(d);
            }
        }
        return result;
    }

    private String readGeneralSettings(JsonNode general, ConfigTree tree) {
        if (general == null || general.isNull()) {
            return null;
        }
        if (!general.isObject()) {
            tree.problem("general_settings", "expected a mapping");
            return null;
        }
        for (Iterator<String> it = general.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!GENERAL_SUPPORTED.contains(key)) {
                notices.add("general_settings." + key + ": not supported by this gateway; ignored");
            }
        }
        return tree.string(general.get("master_key"), "general_settings.master_key");
    }

    private RouterSettings readRouterSettings(JsonNode router, JsonNode litellm, Set<String> groups, ConfigTree tree) {
        RouterSettings d = RouterSettings.defaults();
        for (Iterator<String> it = router.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!ROUTER_KEYS.contains(key)) {
                notices.add("router_settings." + key + ": not supported by this gateway; ignored");
            }
        }
        String strategy = tree.string(router.get("routing_strategy"), "router_settings.routing_strategy");
        if (strategy != null && !RouterSettings.STRATEGIES.contains(strategy)) {
            tree.problem(
                    "router_settings.routing_strategy",
                    "unknown routing strategy '" + strategy + "' (known: "
                            + String.join(", ", RouterSettings.STRATEGIES) + ")");
        }
        Integer retries = firstNonNull(
                tree.integer(router.get("num_retries"), "router_settings.num_retries", 0),
                tree.integer(litellm.get("num_retries"), "litellm_settings.num_retries", 0));
        Duration timeout = firstNonNull(
                tree.seconds(router.get("timeout"), "router_settings.timeout"),
                tree.seconds(litellm.get("request_timeout"), "litellm_settings.request_timeout"));
        Duration streamTimeout = tree.seconds(router.get("stream_timeout"), "router_settings.stream_timeout");
        Integer allowedFails = tree.integer(router.get("allowed_fails"), "router_settings.allowed_fails", 0);
        Duration cooldown = tree.seconds(router.get("cooldown_time"), "router_settings.cooldown_time");
        Map<String, List<String>> fallbacks = fallbacks(router, litellm, "fallbacks", groups, tree);
        Map<String, List<String>> cwFallbacks = fallbacks(router, litellm, "context_window_fallbacks", groups, tree);
        Map<String, List<String>> cpFallbacks = fallbacks(router, litellm, "content_policy_fallbacks", groups, tree);
        List<String> defaultFallbacks = new ArrayList<>();
        JsonNode df = firstPresent(router.get("default_fallbacks"), litellm.get("default_fallbacks"));
        if (df != null) {
            if (!df.isArray()) {
                tree.problem("router_settings.default_fallbacks", "expected a list of model names");
            } else {
                for (int i = 0; i < df.size(); i++) {
                    String g = df.get(i).asText();
                    if (!groups.contains(g)) {
                        tree.problem("router_settings.default_fallbacks[" + i + "]", "unknown model '" + g + "'");
                    }
                    defaultFallbacks.add(g);
                }
            }
        }
        return new RouterSettings(
                strategy == null ? d.routingStrategy() : strategy,
                retries == null ? d.numRetries() : retries,
                timeout == null ? d.timeout() : timeout,
                streamTimeout,
                allowedFails == null ? d.allowedFails() : allowedFails,
                cooldown == null ? d.cooldownTime() : cooldown,
                fallbacks,
                cwFallbacks,
                cpFallbacks,
                List.copyOf(defaultFallbacks),
                tree.string(router.get("redis_host"), "router_settings.redis_host"),
                tree.integer(router.get("redis_port"), "router_settings.redis_port", 1),
                tree.string(router.get("redis_password"), "router_settings.redis_password"),
                tree.string(router.get("redis_url"), "router_settings.redis_url"),
                orDefault(
                        tree.seconds(router.get("retry_backoff_base"), "router_settings.retry_backoff_base"),
                        d.retryBackoffBase()),
                orDefault(
                        tree.seconds(router.get("retry_backoff_max"), "router_settings.retry_backoff_max"),
                        d.retryBackoffMax()),
                orDefault(
                        tree.seconds(router.get("max_retry_after"), "router_settings.max_retry_after"),
                        d.maxRetryAfter()));
    }

    private static <T> T orDefault(T value, T fallback) {
        return value == null ? fallback : value;
    }

    /** LiteLLM writes fallbacks as a list of one-key mappings: {@code [{gpt-4o: [claude, gpt-4o-mini]}]}. */
    private Map<String, List<String>> fallbacks(
            JsonNode router, JsonNode litellm, String key, Set<String> groups, ConfigTree tree) {
        String section = router.has(key) ? "router_settings" : "litellm_settings";
        JsonNode node = firstPresent(router.get(key), litellm.get(key));
        Map<String, List<String>> result = new LinkedHashMap<>();
        if (node == null) {
            return result;
        }
        String path = section + "." + key;
        if (!node.isArray()) {
            tree.problem(path, "expected a list like [{model: [fallback, ...]}]");
            return result;
        }
        for (int i = 0; i < node.size(); i++) {
            JsonNode entry = node.get(i);
            if (!entry.isObject()) {
                tree.problem(path + "[" + i + "]", "expected a mapping {model: [fallback, ...]}");
                continue;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = entry.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String from = e.getKey();
                String fromPath = path + "[" + i + "]." + from;
                if (!groups.contains(from)) {
                    tree.problem(fromPath, "unknown model '" + from + "'");
                }
                List<String> targets = new ArrayList<>();
                JsonNode to = e.getValue();
                if (to.isTextual()) {
                    targets.add(to.asText());
                } else if (to.isArray()) {
                    to.forEach(t -> targets.add(t.asText()));
                } else {
                    tree.problem(fromPath, "expected a list of model names");
                }
                for (int j = 0; j < targets.size(); j++) {
                    if (!groups.contains(targets.get(j))) {
                        tree.problem(fromPath + "[" + j + "]", "unknown model '" + targets.get(j) + "'");
                    }
                }
                result.put(from, List.copyOf(targets));
            }
        }
        return result;
    }

    private CacheSettings readCacheSettings(JsonNode litellm, ConfigTree tree) {
        CacheSettings d = CacheSettings.disabled();
        Boolean enabled = tree.bool(litellm.get("cache"), "litellm_settings.cache");
        JsonNode params = litellm.get("cache_params");
        if (params == null || params.isNull()) {
            return Boolean.TRUE.equals(enabled) ? withEnabled(d) : d;
        }
        if (!params.isObject()) {
            tree.problem("litellm_settings.cache_params", "expected a mapping");
            return d;
        }
        String p = "litellm_settings.cache_params";
        String type = tree.string(params.get("type"), p + ".type");
        if (type != null && !Set.of("local", "redis").contains(type)) {
            tree.problem(p + ".type", "unsupported cache type '" + type + "' (supported: local, redis)");
        }
        Set<String> callTypes = new LinkedHashSet<>();
        JsonNode sct = params.get("supported_call_types");
        if (sct != null && sct.isArray()) {
            for (int i = 0; i < sct.size(); i++) {
                String t = normalizeCallType(sct.get(i).asText());
                if (t == null) {
                    tree.problem(
                            p + ".supported_call_types[" + i + "]",
                            "unknown call type '" + sct.get(i).asText()
                                    + "' (known: completion, text_completion, embedding, anthropic_messages, and their a-prefixed forms)");
                } else {
                    callTypes.add(t);
                }
            }
        }
        Duration ttl = tree.seconds(params.get("ttl"), p + ".ttl");
        Integer port = tree.integer(params.get("port"), p + ".port", 1);
        Integer maxEntries = tree.integer(params.get("max_size"), p + ".max_size", 1);
        return new CacheSettings(
                Boolean.TRUE.equals(enabled),
                type == null ? "local" : type,
                tree.string(params.get("host"), p + ".host"),
                port,
                tree.string(params.get("password"), p + ".password"),
                tree.string(params.get("url"), p + ".url"),
                ttl == null ? d.ttl() : ttl,
                tree.string(params.get("namespace"), p + ".namespace"),
                callTypes.isEmpty() ? d.supportedCallTypes() : Set.copyOf(callTypes),
                maxEntries == null ? d.maxEntries() : maxEntries);
    }

    private static CacheSettings withEnabled(CacheSettings d) {
        return new CacheSettings(
                true,
                d.type(),
                d.host(),
                d.port(),
                d.password(),
                d.url(),
                d.ttl(),
                d.namespace(),
                d.supportedCallTypes(),
                d.maxEntries());
    }

    private static String normalizeCallType(String t) {
        return switch (t) {
            case "completion", "acompletion" -> "completion";
            case "text_completion", "atext_completion" -> "text_completion";
            case "embedding", "aembedding" -> "embedding";
            case "anthropic_messages", "aanthropic_messages" -> "anthropic_messages";
            default -> null;
        };
    }

    private static JsonNode objectOrEmpty(JsonNode node, String path, ConfigTree tree) {
        if (node == null || node.isNull()) {
            return JsonNodeFactory.instance.objectNode();
        }
        if (!node.isObject()) {
            tree.problem(path, "expected a mapping, got " + ConfigTree.kind(node));
            return JsonNodeFactory.instance.objectNode();
        }
        return node;
    }

    private static JsonNode firstPresent(JsonNode a, JsonNode b) {
        if (a != null && !a.isNull()) {
            return a;
        }
        return b == null || b.isNull() ? null : b;
    }

    private static <T> T firstNonNull(T a, T b) {
        return a != null ? a : b;
    }

    static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    /** Reads one model_list entry. */
    private final class DeploymentReader {
        private final ConfigTree tree;
        private final JsonNode entry;
        private final String path;
        private final int index;

        DeploymentReader(ConfigTree tree, JsonNode entry, String path, int index) {
            this.tree = tree;
            this.entry = entry;
            this.path = path;
            this.index = index;
        }

        Deployment read() {
            if (!entry.isObject()) {
                tree.problem(path, "expected a mapping with model_name and litellm_params");
                return null;
            }
            int before = tree.problems().size();
            String modelName = tree.string(entry.get("model_name"), path + ".model_name");
            if (modelName == null || modelName.isBlank()) {
                tree.problem(path + ".model_name", "missing");
            }
            JsonNode params = entry.get("litellm_params");
            if (params == null || !params.isObject()) {
                tree.problem(path + ".litellm_params", "missing; expected a mapping with at least 'model'");
                return null;
            }
            String pp = path + ".litellm_params";
            String model = tree.string(params.get("model"), pp + ".model");
            ProviderKind provider = null;
            String upstreamModel = null;
            if (model == null || model.isBlank()) {
                tree.problem(pp + ".model", "missing; expected <provider>/<model>, e.g. openai/gpt-4o");
            } else {
                int slash = model.indexOf('/');
                if (slash > 0) {
                    String prefix = model.substring(0, slash);
                    provider = ProviderKind.byPrefix(prefix).orElse(null);
                    upstreamModel = model.substring(slash + 1);
                    if (provider == null) {
                        tree.problem(
                                pp + ".model",
                                "unknown provider '" + prefix + "' (known: " + ProviderKind.knownPrefixes() + ")");
                    } else if (upstreamModel.isBlank()) {
                        tree.problem(pp + ".model", "no model name after '" + prefix + "/'");
                    }
                } else {
                    provider = ProviderKind.inferFromBareModel(model).orElse(null);
                    upstreamModel = model;
                    if (provider == null) {
                        tree.problem(
                                pp + ".model",
                                "cannot tell the provider of '" + model + "'; write <provider>/" + model + " (known: "
                                        + ProviderKind.knownPrefixes() + ")");
                    }
                }
            }
            String mockResponse = tree.string(params.get("mock_response"), pp + ".mock_response");
            String apiBaseText =
                    tree.string(firstPresent(params.get("api_base"), params.get("base_url")), pp + ".api_base");
            URI apiBase = null;
            if (apiBaseText != null) {
                apiBase = parseBase(apiBaseText, pp + ".api_base");
            } else if (provider != null && mockResponse == null) {
                if (provider.requiresApiBase()) {
                    tree.problem(pp + ".api_base", "required for provider '" + provider.prefix() + "'");
                } else if (provider.defaultApiBase() != null) {
                    apiBase = URI.create(provider.defaultApiBase());
                }
            }
            String apiVersion = tree.string(params.get("api_version"), pp + ".api_version");
            if (provider == ProviderKind.AZURE && apiVersion == null) {
                apiVersion = "2024-10-21";
            }
            ModelInfo info = readModelInfo(entry.get("model_info"), params);
            ObjectNode extra = JsonNodeFactory.instance.objectNode();
            params.fields().forEachRemaining(e -> {
                if (!INTERPRETED_PARAMS.contains(e.getKey())) {
                    extra.set(e.getKey(), e.getValue());
                }
            });
            Deployment d = new Deployment(
                    index,
                    info.id() != null ? info.id() : generatedId(modelName, model, apiBaseText, index),
                    modelName,
                    provider,
                    upstreamModel,
                    apiBase,
                    tree.string(params.get("api_key"), pp + ".api_key"),
                    apiVersion,
                    tree.integer(params.get("rpm"), pp + ".rpm", 1),
                    tree.integer(params.get("tpm"), pp + ".tpm", 1),
                    tree.integer(params.get("weight"), pp + ".weight", 1),
                    tree.seconds(params.get("timeout"), pp + ".timeout"),
                    tree.seconds(params.get("stream_timeout"), pp + ".stream_timeout"),
                    tree.integer(params.get("max_tokens"), pp + ".max_tokens", 1),
                    mockResponse,
                    extra,
                    info);
            return tree.problems().size() == before ? d : null;
        }

        private URI parseBase(String text, String p) {
            try {
                URI uri = URI.create(text.trim());
                if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                    tree.problem(p, "expected an http(s) URL, got '" + text + "'");
                    return null;
                }
                String s = uri.toString();
                return s.endsWith("/") ? URI.create(s.substring(0, s.length() - 1)) : uri;
            } catch (IllegalArgumentException e) {
                tree.problem(p, "not a valid URL: '" + text + "'");
                return null;
            }
        }

        private ModelInfo readModelInfo(JsonNode node, JsonNode params) {
            String mp = path + ".model_info";
            ObjectNode raw = JsonNodeFactory.instance.objectNode();
            if (node != null && !node.isNull()) {
                if (!node.isObject()) {
                    tree.problem(mp, "expected a mapping");
                } else {
                    raw = (ObjectNode) node;
                }
            }
            String mode = tree.string(raw.get("mode"), mp + ".mode");
            if (mode != null && !Set.of("chat", "completion", "embedding").contains(mode)) {
                notices.add(mp + ".mode: '" + mode + "' is not served by this gateway (chat, completion, embedding)");
            }
            BigDecimal in = firstNonNull(
                    tree.decimal(raw.get("input_cost_per_token"), mp + ".input_cost_per_token"),
                    tree.decimal(params.get("input_cost_per_token"), path + ".litellm_params.input_cost_per_token"));
            BigDecimal out = firstNonNull(
                    tree.decimal(raw.get("output_cost_per_token"), mp + ".output_cost_per_token"),
                    tree.decimal(params.get("output_cost_per_token"), path + ".litellm_params.output_cost_per_token"));
            return new ModelInfo(
                    tree.string(raw.get("id"), mp + ".id"),
                    mode,
                    in,
                    out,
                    tree.decimal(raw.get("cache_read_input_token_cost"), mp + ".cache_read_input_token_cost"),
                    tree.decimal(raw.get("cache_creation_input_token_cost"), mp + ".cache_creation_input_token_cost"),
                    tree.integer(raw.get("max_input_tokens"), mp + ".max_input_tokens", 1),
                    tree.integer(
                            firstPresent(raw.get("max_output_tokens"), raw.get("max_tokens")),
                            mp + ".max_output_tokens",
                            1),
                    raw);
        }
    }

    /** Stable across restarts while the entry is unchanged; secrets are not part of it. */
    private static String generatedId(String modelName, String model, String apiBase, int index) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            String material = modelName + "|" + model + "|" + apiBase + "|" + index;
            return HexFormat.of()
                    .formatHex(sha.digest(material.getBytes(StandardCharsets.UTF_8)))
                    .substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
