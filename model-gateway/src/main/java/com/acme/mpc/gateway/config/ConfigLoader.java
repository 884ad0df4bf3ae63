package com.acme.mpc.gateway.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
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
import java.util.HashSet;
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
    /** Duplicate keys are an error (LiteLLM's last-wins would silently drop the first value). */
    private static final ObjectMapper YAML =
            new ObjectMapper(new YAMLFactory()).enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    /** LiteLLM's similarity caches: accepted and served as exact-match caches. */
    private static final Set<String> SEMANTIC_CACHES = Set.of("redis-semantic", "qdrant-semantic");

    /** LiteLLM's other cache backends: accepted, served by the in-process cache. */
    private static final Set<String> OTHER_LITELLM_CACHES = Set.of("s3", "gcs", "azure-blob", "disk");

    /** litellm_params keys whose value must be known to serve a deployment; an unset variable there is an error. */
    private static final Set<String> REQUIRED_WHEN_WRITTEN = Set.of("model", "api_version");

    /**
     * An unset base variable is left out as LiteLLM does (its value is None there), so the provider's default base
     * applies (OLLAMA_API_BASE unset: localhost:11434); for a provider without one it stays a startup error.
     */
    private static final Set<String> BASE_KEYS = Set.of("api_base", "base_url");

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
            "output_cost_per_image",
            "input_cost_per_second",
            "input_cost_per_character",
            "input_cost_per_query",
            "organization",
            "custom_llm_provider",
            "extra_headers",
            "litellm_credential_name",
            // Vertex AI's: resolved for vertex_ai/ deployments (VertexAccess), never sent to any provider
            "vertex_project",
            "vertex_location",
            "vertex_credentials");

    /**
     * LiteLLM's own litellm_params that steer its proxy, not the provider: accepted, kept out of the provider's body
     * and ignored here (docs/configuration.md, LiteLLM compatibility).
     */
    static final Set<String> LITELLM_ONLY_PARAMS = Set.of(
            "configurable_clientside_auth_params",
            "litellm_trace_id",
            "max_budget",
            "budget_duration",
            "input_cost_per_second",
            "output_cost_per_second",
            "max_file_size_mb",
            "use_litellm_proxy",
            "model_info",
            "additional_drop_params",
            "cache_read_input_token_cost",
            "cache_creation_input_token_cost",
            "max_retries",
            "tags",
            "region_name",
            "use_in_pass_through",
            "merge_reasoning_content_in_choices",
            "drop_params");

    private static final Set<String> GENERAL_SUPPORTED = Set.of("master_key", "allow_client_side_credentials");
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
            "max_retry_after",
            "model_group_alias",
            "enable_pre_call_checks");
    private static final Set<String> LITELLM_KEYS = Set.of(
            "drop_params",
            "allowed_fails",
            "cooldown_time",
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
            "failure_callback");

    /** An {@code os.environ/NAME} reference whose variable is unset or empty, at its key path. */
    private record UnsetRef(String path, String name) {}

    private final Function<String, String> environment;
    private final boolean strict;
    private final List<String> notices = new ArrayList<>();
    private final List<UnsetRef> unsetRefs = new ArrayList<>();
    /** Key paths this gateway ignores; an unset variable below one of them is only a notice. */
    private final Set<String> ignoredPaths = new HashSet<>();

    private Map<String, String> configEnv = Map.of();

    public ConfigLoader(Function<String, String> environment) {
        this(environment, false);
    }

    /**
     * @param strict when true, an entry that cannot be served (unsupported provider, missing credentials) is a
     *     startup error instead of an unavailable deployment ({@code gateway.config.strict})
     */
    public ConfigLoader(Function<String, String> environment, boolean strict) {
        this.environment = environment;
        this.strict = strict;
    }

    public static ConfigLoader withSystemEnvironment(boolean strict) {
        return new ConfigLoader(System::getenv, strict);
    }

    /** Features that are configured but not (yet) implemented by this gateway; logged at startup. */
    public List<String> notices() {
        return notices;
    }

    public GatewayConfig load(Path file) {
        String source = file.toString();
        JsonNode root;
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new ConfigException(source, List.of("file not found"));
        } catch (IOException e) {
            throw new ConfigException(source, List.of("cannot read: " + firstLine(e.getMessage())));
        }
        return parse(readYaml(text, source), file, source);
    }

    public GatewayConfig parse(String yaml, String source) {
        return parse(readYaml(yaml, source), null, source);
    }

    /**
     * Reads one deployment added at run time (the body of LiteLLM's {@code /model/new} as cost-tracker stores it) by
     * the rules of a {@code model_list} entry; {@code os.environ/} references resolve from this process's environment,
     * so a stored model may name a credential without cost-tracker ever holding it. Throws a {@link ConfigException}
     * whose problems name the body field ({@code litellm_params.model: ...}) and what is wrong.
     */
    public Deployment readDeployment(JsonNode entry, int index) {
        if (entry == null || !entry.isObject()) {
            throw new ConfigException("request", List.of("expected a JSON object with model_name and litellm_params"));
        }
        ConfigTree tree = new ConfigTree();
        unsetRefs.clear();
        JsonNode resolved = resolveEnvRefs(entry, "body", tree);
        Deployment d = new DeploymentReader(tree, resolved, "body", index).read();
        if (d == null || !tree.problems().isEmpty()) {
            List<String> problems = tree.problems().stream()
                    .map(p -> p.startsWith("body.") ? p.substring("body.".length()) : p)
                    .toList();
            throw new ConfigException("request", problems.isEmpty() ? List.of("not a valid deployment") : problems);
        }
        return d;
    }

    /** The YAML tree; a syntax error or a duplicate key names its line and column. */
    private static JsonNode readYaml(String text, String source) {
        try {
            return YAML.readTree(text);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null || at.getLineNr() < 1
                    ? ""
                    : "line " + at.getLineNr() + ", column " + at.getColumnNr() + ": ";
            String message = firstLine(e.getOriginalMessage());
            if (message.startsWith("Duplicate field ")) {
                message = "duplicate key " + message.substring("Duplicate field ".length())
                        + " (each key may appear once per mapping)";
            }
            throw new ConfigException(source, List.of(where + "not valid YAML: " + message));
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
        configEnv = readEnvironmentVariables(root.get("environment_variables"), tree);
        JsonNode resolved = resolveEnvRefs(CredentialList.inline(root, tree), "", tree);

        for (Iterator<String> it = resolved.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!Set.of(
                            "model_list",
                            "general_settings",
                            "router_settings",
                            "litellm_settings",
                            "environment_variables")
                    .contains(key)) {
                ignored(key, key + ": section not supported by this gateway; ignored");
            }
        }

        List<Deployment> deployments = readModelList(resolved.get("model_list"), tree);
        String masterKey = readGeneralSettings(resolved.get("general_settings"), tree);
        JsonNode litellm = objectOrEmpty(resolved.get("litellm_settings"), "litellm_settings", tree);
        JsonNode router = objectOrEmpty(resolved.get("router_settings"), "router_settings", tree);
        Map<String, List<Deployment>> groups = GatewayConfig.groupByModelName(deployments);
        Map<String, String> aliases = readAliases(router.get("model_group_alias"), groups, tree);
        ModelNames names = new ModelNames(groups, aliases);
        RouterSettings routerSettings =
                readRouterSettings(router, litellm, name -> names.resolve(name) != null, aliases, tree);
        CacheSettings cache = readCacheSettings(litellm, tree);
        Boolean dropParams = tree.bool(litellm.get("drop_params"), "litellm_settings.drop_params");
        for (Iterator<String> it = litellm.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!LITELLM_KEYS.contains(key)) {
                ignored(
                        "litellm_settings." + key,
                        "litellm_settings." + key + ": not supported by this gateway; ignored");
            } else if (Set.of("callbacks", "success_callback", "failure_callback")
                    .contains(key)) {
                notices.add("litellm_settings." + key
                        + ": callbacks are not run (ignored); Prometheus metrics are always served at /metrics");
            }
        }

        boolean allowClientCredentials = allowClientSideCredentials(resolved.get("general_settings"), tree);
        checkUnsetVariables(tree);
        if (!tree.problems().isEmpty()) {
            throw new ConfigException(source, tree.problems());
        }
        return new GatewayConfig(
                file,
                List.copyOf(deployments),
                groups,
                masterKey,
                routerSettings,
                cache,
                Boolean.TRUE.equals(dropParams),
                names,
                providerAccess(),
                allowClientCredentials,
                Set.of());
    }

    /** {@code general_settings.allow_client_side_credentials} (LiteLLM's default: false). */
    private static boolean allowClientSideCredentials(JsonNode general, ConfigTree tree) {
        if (general == null || !general.isObject()) {
            return false;
        }
        return Boolean.TRUE.equals(tree.bool(
                general.get("allow_client_side_credentials"), "general_settings.allow_client_side_credentials"));
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

    /**
     * Replaces every {@code os.environ/NAME} string by the variable's value. An unset (or empty) variable becomes null
     * and is remembered: {@link #checkUnsetVariables} and the deployment reader decide whether that is an error.
     */
    private JsonNode resolveEnvRefs(JsonNode node, String path, ConfigTree tree) {
        if (node.isTextual() && node.asText().startsWith(ENV_PREFIX)) {
            String name = node.asText().substring(ENV_PREFIX.length()).trim();
            if (name.isEmpty()) {
                tree.problem(path, "'os.environ/' names no variable");
                return JsonNodeFactory.instance.nullNode();
            }
            String value = env(name);
            if (value == null) {
                unsetRefs.add(new UnsetRef(path, name));
                return JsonNodeFactory.instance.nullNode();
            }
            return TextNode.valueOf(value);
        }
        if (node.isObject()) {
            ObjectNode copy = JsonNodeFactory.instance.objectNode();
            node.fields()
                    .forEachRemaining(e ->
                            copy.set(e.getKey(), resolveEnvRefs(e.getValue(), join(path, e.getKey()), tree)));
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = JsonNodeFactory.instance.arrayNode();
            for (int i = 0; i < node.size(); i++) {
                copy.add(resolveEnvRefs(node.get(i), path + "[" + i + "]", tree));
            }
            return copy;
        }
        return node;
    }

    /** A variable of the config's environment_variables section or the process environment; null when unset/empty. */
    private String env(String name) {
        String value = configEnv.containsKey(name) ? configEnv.get(name) : environment.apply(name);
        return value == null || value.isEmpty() ? null : value;
    }

    private void ignored(String path, String notice) {
        ignoredPaths.add(path);
        notices.add(notice);
    }

    /**
     * An unset variable outside {@code model_list} is a startup error where the gateway uses the value: a master key
     * that resolves to nothing would otherwise run the gateway without authentication. LiteLLM's optional values (a
     * Redis password or port) and keys this gateway ignores only give a notice. Deployment entries are judged by
     * {@link DeploymentReader} (a missing provider key makes the deployment unavailable, not the gateway).
     */
    private void checkUnsetVariables(ConfigTree tree) {
        for (UnsetRef ref : unsetRefs) {
            if (ref.path().startsWith("model_list[")) {
                continue;
            }
            if (isIgnored(ref.path())) {
                notices.add(ref.path() + ": environment variable " + ref.name() + " is not set (key ignored)");
            } else if (isOptional(ref.path())) {
                notices.add(ref.path() + ": environment variable " + ref.name() + " is not set; left out");
            } else if (ref.path().equals("general_settings.master_key")) {
                tree.problem(
                        ref.path(),
                        "environment variable " + ref.name() + " is not set; the gateway would run without"
                                + " authentication. Set " + ref.name() + ", or remove master_key to run without"
                                + " authentication deliberately");
            } else {
                tree.problem(ref.path(), "environment variable " + ref.name() + " is not set");
            }
        }
    }

    private boolean isIgnored(String path) {
        for (String p : ignoredPaths) {
            if (path.equals(p) || path.startsWith(p + ".") || path.startsWith(p + "[")) {
                return true;
            }
        }
        return false;
    }

    /** Values LiteLLM treats as optional: Redis without a password, or on its default port. */
    private static boolean isOptional(String path) {
        String key = path.substring(path.lastIndexOf('.') + 1);
        return key.equals("password") || key.equals("redis_password") || key.equals("port") || key.equals("redis_port");
    }

    private List<Deployment> readModelList(JsonNode list, ConfigTree tree) {
        List<Deployment> result = new ArrayList<>();
        if (list == null || list.isNull()) {
            // LiteLLM allows a config of settings only (models added later through its database)
            notices.add("model_list: absent; serving no models");
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
                ignored(
                        "general_settings." + key,
                        "general_settings." + key + ": not supported by this gateway; ignored");
            }
        }
        return tree.string(general.get("master_key"), "general_settings.master_key");
    }

    /** Every provider's base and key from LiteLLM's variables, for {@code model: "*"} deployments. */
    private Map<ProviderKind, GatewayConfig.ProviderAccess> providerAccess() {
        Map<ProviderKind, GatewayConfig.ProviderAccess> access = new java.util.EnumMap<>(ProviderKind.class);
        for (ProviderKind k : ProviderKind.values()) {
            String base = k.baseEnv() == null ? null : env(k.baseEnv());
            if (base == null) {
                base = k.defaultApiBase();
            }
            String key = null;
            for (String name : k.keyEnvs()) {
                key = key == null ? env(name) : key;
            }
            if (base != null) {
                access.put(k, new GatewayConfig.ProviderAccess(URI.create(stripSlash(base)), key));
            }
        }
        return access;
    }

    private static String stripSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    /** {@code router_settings.model_group_alias}: {@code alias: group} or {@code alias: {model: group, hidden: b}}. */
    private Map<String, String> readAliases(JsonNode node, Map<String, List<Deployment>> groups, ConfigTree tree) {
        Map<String, String> aliases = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return aliases;
        }
        if (!node.isObject()) {
            tree.problem("router_settings.model_group_alias", "expected a mapping of alias: model group");
            return aliases;
        }
        node.fields().forEachRemaining(e -> {
            String path = "router_settings.model_group_alias." + e.getKey();
            JsonNode v = e.getValue();
            String target = v.isObject() ? tree.string(v.get("model"), path + ".model") : tree.string(v, path);
            if (target == null || !groups.containsKey(target)) {
                tree.problem(path, "unknown model '" + target + "'");
            } else {
                aliases.put(e.getKey(), target);
            }
        });
        return aliases;
    }

    private RouterSettings readRouterSettings(
            JsonNode router,
            JsonNode litellm,
            java.util.function.Predicate<String> groups,
            Map<String, String> aliases,
            ConfigTree tree) {
        RouterSettings d = RouterSettings.defaults();
        for (Iterator<String> it = router.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!ROUTER_KEYS.contains(key)) {
                ignored(
                        "router_settings." + key,
                        "router_settings." + key + ": not supported by this gateway; ignored");
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
        Integer allowedFails = firstNonNull(
                tree.integer(router.get("allowed_fails"), "router_settings.allowed_fails", 0),
                tree.integer(litellm.get("allowed_fails"), "litellm_settings.allowed_fails", 0));
        Duration cooldown = firstNonNull(
                tree.seconds(router.get("cooldown_time"), "router_settings.cooldown_time"),
                tree.seconds(litellm.get("cooldown_time"), "litellm_settings.cooldown_time"));
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
                    if (!groups.test(g)) {
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
                redisSetting(router, "redis_host", "REDIS_HOST", tree),
                tree.integer(redisNode(router, "redis_port", "REDIS_PORT"), "router_settings.redis_port", 1),
                redisSetting(router, "redis_password", "REDIS_PASSWORD", tree),
                redisSetting(router, "redis_url", "REDIS_URL", tree),
                orDefault(
                        tree.seconds(router.get("retry_backoff_base"), "router_settings.retry_backoff_base"),
                        d.retryBackoffBase()),
                orDefault(
                        tree.seconds(router.get("retry_backoff_max"), "router_settings.retry_backoff_max"),
                        d.retryBackoffMax()),
                orDefault(
                        tree.seconds(router.get("max_retry_after"), "router_settings.max_retry_after"),
                        d.maxRetryAfter()),
                Map.copyOf(aliases),
                Boolean.TRUE.equals(
                        tree.bool(router.get("enable_pre_call_checks"), "router_settings.enable_pre_call_checks")));
    }

    /**
     * A router Redis setting; when router_settings configures Redis at all but leaves this key out, LiteLLM's
     * variable ({@code REDIS_HOST}, ...) gives it, instead of a silent 127.0.0.1:6379.
     */
    private String redisSetting(JsonNode router, String key, String envName, ConfigTree tree) {
        JsonNode node = redisNode(router, key, envName);
        return tree.string(node, "router_settings." + key);
    }

    private JsonNode redisNode(JsonNode section, String key, String envName) {
        JsonNode node = section.get(key);
        if (node != null && !node.isNull()) {
            return node;
        }
        boolean usesRedis = section.has("redis_host")
                || section.has("redis_url")
                || section.has("redis_port")
                || section.has("redis_password");
        String value = usesRedis ? env(envName) : null;
        return value == null ? null : TextNode.valueOf(value);
    }

    private static <T> T orDefault(T value, T fallback) {
        return value == null ? fallback : value;
    }

    /** LiteLLM writes fallbacks as a list of one-key mappings: {@code [{gpt-4o: [claude, gpt-4o-mini]}]}. */
    private Map<String, List<String>> fallbacks(
            JsonNode router,
            JsonNode litellm,
            String key,
            java.util.function.Predicate<String> groups,
            ConfigTree tree) {
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
                if (!groups.test(from)) {
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
                    if (!groups.test(targets.get(j))) {
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
            params = JsonNodeFactory.instance.objectNode();
        }
        if (!params.isObject()) {
            tree.problem("litellm_settings.cache_params", "expected a mapping");
            return d;
        }
        String p = "litellm_settings.cache_params";
        String type = tree.string(params.get("type"), p + ".type");
        boolean redisFromEnv = env("REDIS_HOST") != null || env("REDIS_URL") != null;
        if (type == null && Boolean.TRUE.equals(enabled)) {
            // LiteLLM's proxy defaults the cache type to redis (REDIS_HOST, REDIS_PORT, REDIS_PASSWORD)
            type = redisFromEnv || params.has("host") || params.has("url") ? "redis" : "local";
            if (type.equals("local")) {
                notices.add("litellm_settings.cache: no cache_params.type and no REDIS_HOST/REDIS_URL: LiteLLM would"
                        + " use Redis; using the in-process cache");
            }
        } else if (type != null && SEMANTIC_CACHES.contains(type)) {
            String served = type.startsWith("redis") ? "redis" : "local";
            notices.add(p + ".type: '" + type + "' is served as exact-match " + served
                    + " caching (semantic similarity is not implemented); only identical requests hit");
            type = served;
        } else if (type != null && OTHER_LITELLM_CACHES.contains(type)) {
            notices.add(p + ".type: '" + type + "' is not implemented; the in-process cache is used");
            type = "local";
        } else if (type != null && !Set.of("local", "redis").contains(type)) {
            tree.problem(p + ".type", "unsupported cache type '" + type + "' (supported: local, redis)");
        }
        if ("redis".equals(type) && !params.has("host") && !params.has("url")) {
            ObjectNode withEnv = ((ObjectNode) params).deepCopy();
            putEnv(withEnv, "host", "REDIS_HOST");
            putEnv(withEnv, "port", "REDIS_PORT");
            putEnv(withEnv, "password", "REDIS_PASSWORD");
            putEnv(withEnv, "url", "REDIS_URL");
            params = withEnv;
        }
        Set<String> callTypes = new LinkedHashSet<>();
        JsonNode sct = params.get("supported_call_types");
        if (sct != null && sct.isArray()) {
            for (int i = 0; i < sct.size(); i++) {
                String t = normalizeCallType(sct.get(i).asText());
                if (t == null && OTHER_LITELLM_CALL_TYPES.contains(sct.get(i).asText())) {
                    // a LiteLLM call type of an API this gateway does not cache (or serve): nothing to cache
                    notices.add(p + ".supported_call_types[" + i + "]: '"
                            + sct.get(i).asText() + "' is not cached by this gateway; ignored");
                    continue;
                }
                if (t == null) {
                    tree.problem(
                            p + ".supported_call_types[" + i + "]",
                            "unknown call type '" + sct.get(i).asText()
                                    + "' (known: completion, text_completion, embedding, anthropic_messages, responses, and their a-prefixed forms)");
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

    private void putEnv(ObjectNode params, String key, String envName) {
        String value = env(envName);
        if (value != null && !params.has(key)) {
            params.put(key, value);
        }
    }

    /** LiteLLM's other call types (its CallTypes enum), valid in supported_call_types but not cached here. */
    private static final Set<String> OTHER_LITELLM_CALL_TYPES = Set.of(
            "transcription",
            "atranscription",
            "speech",
            "aspeech",
            "image_generation",
            "aimage_generation",
            "moderation",
            "amoderation",
            "rerank",
            "arerank",
            "pass_through_endpoint");

    private static String normalizeCallType(String t) {
        return switch (t) {
            case "completion", "acompletion" -> "completion";
            case "text_completion", "atext_completion" -> "text_completion";
            case "embedding", "aembedding" -> "embedding";
            case "anthropic_messages", "aanthropic_messages" -> "anthropic_messages";
            case "responses", "aresponses" -> "responses";
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
        private String unsetBaseVariable;

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
            List<String> missingCredentials = unsetVariablesOfEntry(pp);
            String model = tree.string(params.get("model"), pp + ".model");
            String customProvider = tree.string(params.get("custom_llm_provider"), pp + ".custom_llm_provider");
            if (model != null
                    && customProvider != null
                    && !customProvider.isBlank()
                    && !model.startsWith(customProvider + "/")) {
                // LiteLLM's explicit provider: the whole model string is the upstream model
                model = customProvider + "/" + model;
            }
            String mockResponse = tree.string(params.get("mock_response"), pp + ".mock_response");
            String apiBaseText =
                    tree.string(firstPresent(params.get("api_base"), params.get("base_url")), pp + ".api_base");
            ProviderKind provider = null;
            String upstreamModel = null;
            Unavailability unavailable = null;
            if (model == null || model.isBlank()) {
                tree.problem(pp + ".model", "missing; expected <provider>/<model>, e.g. openai/gpt-4o");
            } else {
                int slash = model.indexOf('/');
                if (slash > 0) {
                    String prefix = model.substring(0, slash);
                    provider = ProviderKind.byPrefix(prefix).orElse(null);
                    upstreamModel = model.substring(slash + 1);
                    if (provider == null && apiBaseText != null && !LiteLlmProviders.isKnown(prefix)) {
                        // LiteLLM sends an unknown prefix with an api_base to that server as OpenAI-compatible
                        provider = ProviderKind.OPENAI_LIKE;
                        notices.add(pp + ".model: provider '" + prefix + "' is unknown; served as OpenAI-compatible"
                                + " at its api_base");
                    } else if (provider == null && LiteLlmProviders.isKnown(prefix)) {
                        unavailable = new Unavailability(
                                Unavailability.Kind.UNSUPPORTED,
                                model,
                                "provider '" + prefix + "' is not supported by this gateway");
                    } else if (provider == null) {
                        tree.problem(
                                pp + ".model",
                                "unknown provider '" + prefix + "' (known: " + ProviderKind.knownPrefixes() + ")");
                    } else if (upstreamModel.isBlank()) {
                        tree.problem(pp + ".model", "no model name after '" + prefix + "/'");
                    }
                } else if (model.equals("*")) {
                    // LiteLLM's catch-all: the requested name says the provider (wildcard routing)
                    upstreamModel = model;
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
            String writtenBase = apiBaseText;
            BedrockAccess bedrock = null;
            if (provider == ProviderKind.BEDROCK && upstreamModel != null) {
                upstreamModel = BedrockAccess.modelId(upstreamModel);
                bedrock = BedrockAccess.resolve(params, ConfigLoader.this::env, upstreamModel);
                if (apiBaseText == null) {
                    apiBaseText = bedrock.endpoint() != null ? bedrock.endpoint() : bedrock.regionalEndpoint();
                }
            }
            VertexAccess vertex = null;
            if (provider == ProviderKind.VERTEX_AI && upstreamModel != null) {
                vertex = VertexAccess.resolve(params, ConfigLoader.this::env);
                if (apiBaseText == null) {
                    apiBaseText = vertex.host();
                }
            }
            if (apiBaseText == null && provider != null && provider.baseEnv() != null) {
                // as LiteLLM: without api_base the provider's own variable (e.g. OLLAMA_API_BASE) may give it
                apiBaseText = env(provider.baseEnv());
            }
            URI apiBase = null;
            if (apiBaseText != null) {
                apiBase = parseBase(apiBaseText, pp + ".api_base");
            } else if (provider != null && mockResponse == null && unavailable == null) {
                if (provider.requiresApiBase()) {
                    tree.problem(
                            pp + ".api_base",
                            unsetBaseVariable != null
                                    ? "environment variable " + unsetBaseVariable + " is not set"
                                    : "required for provider '" + provider.prefix() + "'");
                } else if (provider.defaultApiBase() != null) {
                    apiBase = URI.create(provider.defaultApiBase());
                }
            }
            String apiVersion = tree.string(params.get("api_version"), pp + ".api_version");
            if (provider == ProviderKind.AZURE && apiVersion == null) {
                apiVersion = "2024-10-21";
            }
            ModelInfo info = readModelInfo(entry.get("model_info"), params);
            if (unavailable == null && upstreamModel != null) {
                String modality = LiteLlmProviders.unsupportedModality(provider, upstreamModel, info.mode());
                if (modality != null) {
                    unavailable = new Unavailability(
                            Unavailability.Kind.UNSUPPORTED, model, modality + " is not served by this gateway");
                }
            }
            String apiKey = tree.string(params.get("api_key"), pp + ".api_key");
            if (apiKey == null && provider != null) {
                // as LiteLLM: without api_key (or when its variable is unset) the provider's own variables are used
                for (String name : provider.keyEnvs()) {
                    apiKey = apiKey == null ? env(name) : apiKey;
                }
            }
            if (unavailable == null && mockResponse == null) {
                unavailable = credentialsProblem(provider, model, apiKey, apiBase, missingCredentials);
            }
            if (unavailable == null && mockResponse == null && bedrock != null && apiKey == null) {
                unavailable = bedrockCredentialsProblem(bedrock, model);
            }
            if (unavailable == null && mockResponse == null && vertex != null && vertex.problem() != null) {
                unavailable = new Unavailability(Unavailability.Kind.NO_CREDENTIALS, model, vertex.problem());
            }
            if (unavailable != null) {
                if (strict) {
                    tree.problem(path, unavailable.reason() + " (gateway.config.strict is on)");
                } else {
                    notices.add(path + " (" + modelName + "): " + unavailable.reason()
                            + "; listed as unavailable, calls to it fail");
                }
            }
            ObjectNode extra = JsonNodeFactory.instance.objectNode();
            params.fields().forEachRemaining(e -> {
                if (LITELLM_ONLY_PARAMS.contains(e.getKey())) {
                    notices.add(
                            pp + "." + e.getKey() + ": LiteLLM proxy setting not supported by this gateway; ignored");
                } else if (!INTERPRETED_PARAMS.contains(e.getKey())) {
                    extra.set(e.getKey(), e.getValue());
                }
            });
            if (bedrock != null) {
                // resolved once here (params first, then the AWS variables) for the adapter's credential provider
                bedrock.credentialParams().forEach(extra::put);
                if (!bedrock.regionConfigured() && bedrock.hasProfile()) {
                    // a profile's region (read per call) replaces the default one, and its endpoint unless configured
                    extra.put("aws_profile_region_applies", true);
                    extra.put("aws_regional_endpoint", writtenBase == null && bedrock.endpoint() == null);
                }
            }
            if (vertex != null) {
                // resolved once here (params first, then the VERTEXAI_* and Google variables) for the token source
                vertex.params().forEach(extra::put);
            }
            Deployment d = new Deployment(
                    index,
                    info.id() != null ? info.id() : generatedId(modelName, model, writtenBase, index),
                    modelName,
                    provider,
                    upstreamModel,
                    apiBase,
                    apiKey,
                    apiVersion,
                    tree.integer(params.get("rpm"), pp + ".rpm", 1),
                    tree.integer(params.get("tpm"), pp + ".tpm", 1),
                    tree.integer(params.get("weight"), pp + ".weight", 1),
                    tree.seconds(params.get("timeout"), pp + ".timeout"),
                    tree.seconds(params.get("stream_timeout"), pp + ".stream_timeout"),
                    tree.integer(params.get("max_tokens"), pp + ".max_tokens", 1),
                    mockResponse,
                    extra,
                    info,
                    unavailable,
                    tree.string(params.get("organization"), pp + ".organization"),
                    headers(params.get("extra_headers"), pp + ".extra_headers"),
                    accessGroups(entry.path("model_info").get("access_groups")));
            return tree.problems().size() == before ? d : null;
        }

        /**
         * Judges the entry's unset {@code os.environ/} variables: one in a value the deployment cannot do without
         * (model, api_base, api_version) or in model_name/model_info is an error; one in a credential leaves the
         * deployment without that credential (returned, for {@link #credentialsProblem}); any other is left out.
         */
        private List<String> unsetVariablesOfEntry(String pp) {
            List<String> credentials = new ArrayList<>();
            for (UnsetRef ref : unsetRefs) {
                if (!ref.path().startsWith(path + ".")) {
                    continue;
                }
                if (!ref.path().startsWith(pp + ".")) {
                    tree.problem(ref.path(), "environment variable " + ref.name() + " is not set");
                    continue;
                }
                String key = ref.path().substring(pp.length() + 1).split("[.\\[]", 2)[0];
                if (REQUIRED_WHEN_WRITTEN.contains(key)) {
                    tree.problem(ref.path(), "environment variable " + ref.name() + " is not set");
                } else if (BASE_KEYS.contains(key)) {
                    unsetBaseVariable = ref.name();
                    notices.add(ref.path() + ": environment variable " + ref.name()
                            + " is not set; the provider's default base is used");
                } else if (LiteLlmProviders.isCredential(key)) {
                    credentials.add(ref.name() + " (" + key + ")");
                } else {
                    notices.add(ref.path() + ": environment variable " + ref.name() + " is not set; left out");
                }
            }
            return credentials;
        }

        /**
         * A deployment whose credential variable is unset, or a hosted provider's deployment with no key at all, is
         * unavailable: its calls answer that the gateway has no key (instead of the provider's "incorrect API key",
         * which would blame the client).
         */
        private Unavailability credentialsProblem(
                ProviderKind provider, String model, String apiKey, URI apiBase, List<String> missing) {
            List<String> stillMissing = apiKey == null
                    ? missing
                    : missing.stream().filter(m -> !m.endsWith("(api_key)")).toList();
            if (!stillMissing.isEmpty()) {
                return new Unavailability(
                        Unavailability.Kind.NO_CREDENTIALS,
                        model,
                        "the gateway has no credentials for this deployment: environment variable "
                                + String.join(", ", stillMissing) + " is not set");
            }
            boolean hosted = provider != null
                    && provider.defaultApiBase() != null
                    && apiBase != null
                    && apiBase.toString().equals(provider.defaultApiBase());
            if (apiKey == null && hosted && provider.keyEnv() != null && provider.requiresKey()) {
                return new Unavailability(
                        Unavailability.Kind.NO_CREDENTIALS,
                        model,
                        "the gateway has no API key for this deployment: set litellm_params.api_key or the"
                                + " environment variable " + provider.keyEnv());
            }
            return null;
        }

        /**
         * A Bedrock deployment needs a source of AWS credentials (or a Bedrock API key); whether the source gives
         * working credentials is learnt per call (profile files and STS are not read at load).
         */
        private Unavailability bedrockCredentialsProblem(BedrockAccess access, String model) {
            if (access.hasCredentialSource()) {
                return null;
            }
            String why = access.role() != null
                    ? "aws_role_name " + access.role() + " needs credentials to call STS AssumeRole with: set"
                    : "the gateway has no AWS credentials for this deployment: set";
            return new Unavailability(
                    Unavailability.Kind.NO_CREDENTIALS,
                    model,
                    why + " litellm_params aws_access_key_id and aws_secret_access_key (or AWS_ACCESS_KEY_ID and"
                            + " AWS_SECRET_ACCESS_KEY), aws_profile_name (or AWS_PROFILE), AWS_WEB_IDENTITY_TOKEN_FILE"
                            + " with AWS_ROLE_ARN"
                            + (access.role() != null ? ", aws_web_identity_token" : "")
                            + ", or a Bedrock API key in api_key (or AWS_BEARER_TOKEN_BEDROCK)");
        }

        private List<String> accessGroups(JsonNode node) {
            if (node == null || node.isNull()) {
                return List.of();
            }
            if (!node.isArray()) {
                tree.problem(path + ".model_info.access_groups", "expected a list of names");
                return List.of();
            }
            List<String> out = new ArrayList<>();
            node.forEach(n -> out.add(n.asText()));
            return List.copyOf(out);
        }

        /** {@code extra_headers}: a mapping of header name to a string value. */
        private Map<String, String> headers(JsonNode node, String p) {
            if (node == null || node.isNull()) {
                return Map.of();
            }
            if (!node.isObject()) {
                tree.problem(p, "expected a mapping of header name to value");
                return Map.of();
            }
            Map<String, String> headers = new LinkedHashMap<>();
            node.fields().forEachRemaining(e -> {
                String value = tree.string(e.getValue(), p + "." + e.getKey());
                if (value != null) {
                    headers.put(e.getKey(), value);
                }
            });
            return Map.copyOf(headers);
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
            for (String key : ModelInfo.UNIT_PRICES) {
                // checked here (a number, not negative); as LiteLLM, litellm_params may carry them too
                BigDecimal price = firstNonNull(
                        tree.decimal(raw.get(key), mp + "." + key),
                        tree.decimal(params.get(key), path + ".litellm_params." + key));
                if (price != null && !raw.has(key)) {
                    raw = raw.deepCopy();
                    raw.put(key, price);
                }
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
