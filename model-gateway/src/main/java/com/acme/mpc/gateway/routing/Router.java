package com.acme.mpc.gateway.routing;

import com.acme.mpc.gateway.config.Deployment;
import com.acme.mpc.gateway.config.GatewayConfig;
import com.acme.mpc.gateway.config.RouterSettings;
import com.acme.mpc.gateway.core.GatewayException;
import io.smallrye.mutiny.Uni;
import java.math.BigDecimal;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * Picks the deployment of a model group for one attempt and keeps the per-deployment state the choice depends on
 * (in-flight, rpm/tpm this minute, latency, failures, cooldown). A decision is one pass over the group, O(group size),
 * with one small index array as its only allocation. With {@link SharedRouterState} (Redis), rpm reservations are
 * atomic across replicas and cooldowns and token counts are shared.
 */
public class Router {
    /** LiteLLM's rule: at least this many calls in the minute before the 50 % failure rate cools a deployment. */
    static final int MIN_REQUESTS_FOR_FAILURE_RATE = 5;

    /** Latency-based routing spreads load over deployments within this fraction of the fastest. */
    static final double LATENCY_TOLERANCE = 0.10;

    private final RoutingStrategy strategy;
    private final RouterSettings settings;
    /**
     * The routable groups of the config in force; replaced whole by {@link #reload} when deployments are added,
     * changed or removed at run time. A decision reads it once.
     */
    private volatile Tables tables;

    private final SharedRouterState shared;
    private final List<Consumer<GatewayConfig>> reloadListeners = new CopyOnWriteArrayList<>();
    private final Clock clock;

    /** Milliseconds since the epoch; replaceable in tests. */
    public interface Clock {
        long millis();
    }

    public Router(GatewayConfig config, SharedRouterState shared) {
        this(config, shared, System::currentTimeMillis);
    }

    public Router(GatewayConfig config, SharedRouterState shared, Clock clock) {
        this.settings = config.router();
        this.strategy = RoutingStrategy.of(settings.routingStrategy());
        this.shared = shared;
        this.clock = clock;
        this.tables = Tables.of(config, Map.of());
        if (shared != null) {
            shared.track(List.copyOf(tables.byId.values()));
        }
    }

    /**
     * Routes by {@code config} from now on (deployments stored at run time added, changed or removed). An unchanged
     * deployment keeps its state (cooldown, rpm/tpm counts, latency); calls in flight finish on the state they hold.
     */
    public synchronized void reload(GatewayConfig config) {
        Tables next = Tables.of(config, tables.byId);
        tables = next;
        if (shared != null) {
            shared.track(List.copyOf(next.byId.values()));
        }
        reloadListeners.forEach(l -> l.accept(config));
    }

    /** Called after each {@link #reload}, with the config then in force (e.g. to register meters of new deployments). */
    public void onReload(Consumer<GatewayConfig> listener) {
        reloadListeners.add(listener);
    }

    /** Groups, deployment states and unusable groups of one config. */
    private record Tables(
            Map<String, Group> groups, Map<String, DeploymentState> byId, Map<String, GatewayException> unusable) {

        /** Builds the tables of {@code config}, reusing the state of each deployment {@code previous} has unchanged. */
        static Tables of(GatewayConfig config, Map<String, DeploymentState> previous) {
            Map<String, Group> groups = new HashMap<>();
            Map<String, DeploymentState> byId = new HashMap<>();
            Map<String, GatewayException> unusable = new HashMap<>();
            Map<String, Deployment> current = new HashMap<>();
            config.deployments().forEach(d -> current.put(d.id(), d));
            previous.forEach((id, s) -> {
                if (s.deployment.equals(current.get(id))) {
                    byId.put(id, s);
                }
            });
            config.groups().forEach((name, deployments) -> {
                List<Deployment> usable =
                        deployments.stream().filter(Deployment::available).toList();
                if (usable.isEmpty()) {
                    unusable.put(name, DeploymentUnavailable.error(deployments));
                } else {
                    groups.put(name, new Group(usable, byId));
                }
            });
            // a deployment id (model_info.id) is routable as a group of one, e.g. as a fallback target
            config.names().idsOnly().forEach((id, d) -> {
                if (d.available()) {
                    groups.put(id, new Group(List.of(d), byId));
                }
            });
            byId.keySet().retainAll(routable(groups));
            return new Tables(groups, byId, unusable);
        }

        private static java.util.Set<String> routable(Map<String, Group> groups) {
            java.util.Set<String> ids = new java.util.HashSet<>();
            groups.values().forEach(g -> {
                for (DeploymentState s : g.states) {
                    ids.add(s.deployment.id());
                }
            });
            return ids;
        }
    }

    public RoutingStrategy strategy() {
        return strategy;
    }

    public DeploymentState state(String deploymentId) {
        return tables.byId.get(deploymentId);
    }

    public int groupSize(String group) {
        Group g = tables.groups.get(group);
        return g == null ? 0 : g.states.length;
    }

    /**
     * Chooses a deployment of {@code group} for one attempt and counts the request against its rpm. Deployments in
     * {@code tried} (indexes in the group, may be null) are avoided while others are usable. Fails with a 429 (with a
     * retry-after) when every deployment is at its rpm/tpm limit.
     */
    public Uni<DeploymentState> acquire(String group, BitSet tried) {
        Group g = tables.groups.get(group);
        if (g == null) {
            GatewayException why = tables.unusable.get(group);
            return Uni.createFrom()
                    .failure(
                            why != null
                                    ? why
                                    : GatewayException.notFound(
                                            "model '" + group + "' not found", "model", "model_not_found"));
        }
        DeploymentState s;
        try {
            s = pick(g, tried, null);
        } catch (GatewayException e) {
            return Uni.createFrom().failure(e);
        }
        if (shared == null || s.deployment.rpm() == null || !shared.available()) {
            s.countRequest(clock.millis());
            return Uni.createFrom().item(s);
        }
        return reserveShared(g, s, tried, null, 0);
    }

    /** Reserves one request in the shared minute counter; a deployment found full is skipped for the next pick. */
    private Uni<DeploymentState> reserveShared(Group g, DeploymentState s, BitSet tried, BitSet full, int round) {
        long now = clock.millis();
        return shared.reserveRequest(s, now).flatMap(count -> {
            s.countRequest(now);
            // Redis did not answer: this process's own count decides, as the class documentation promises
            long requests = count < 0 ? s.requestsThisMinute(now) : count;
            if (requests <= s.deployment.rpm()) {
                return Uni.createFrom().item(s);
            }
            if (count >= 0) {
                s.shared(now / 60_000, count, s.tokensThisMinute(now));
            }
            BitSet skip = full == null ? new BitSet(g.states.length) : full;
            skip.set(g.indexOf(s));
            if (round + 1 >= g.states.length) {
                return Uni.createFrom().failure(noCapacity(g, now));
            }
            DeploymentState next;
            try {
                next = pick(g, tried, skip);
            } catch (GatewayException e) {
                return Uni.createFrom().failure(e);
            }
            if (next.deployment.rpm() == null) {
                next.countRequest(now);
                return Uni.createFrom().item(next);
            }
            return reserveShared(g, next, tried, skip, round + 1);
        });
    }

    /** The index of {@code s} in its group, for the per-request set of tried deployments. */
    public int indexIn(String group, DeploymentState s) {
        Group g = tables.groups.get(group);
        return g == null ? -1 : g.indexOf(s);
    }

    /**
     * The usable deployments of a group in the order of the per-request tried set ({@link #indexIn}); empty for an
     * unknown or unusable group.
     */
    public List<Deployment> deployments(String group) {
        Group g = tables.groups.get(group);
        if (g == null) {
            return List.of();
        }
        List<Deployment> out = new java.util.ArrayList<>(g.states.length);
        for (DeploymentState s : g.states) {
            out.add(s.deployment());
        }
        return out;
    }

    /** Whether the group has a usable deployment (not cooling down, not full) that this request has not tried. */
    public boolean hasUntried(String group, BitSet tried) {
        Group g = tables.groups.get(group);
        if (g == null) {
            return false;
        }
        long now = clock.millis();
        for (int i = 0; i < g.states.length; i++) {
            if ((tried == null || !tried.get(i)) && !g.states[i].coolingDown(now) && !g.states[i].atLimit(now)) {
                return true;
            }
        }
        return false;
    }

    /** The synchronous decision (no shared reservation); exposed for the benchmark and tests. */
    public DeploymentState pick(String group, BitSet tried) {
        return pick(tables.groups.get(group), tried, null);
    }

    DeploymentState pick(Group g, BitSet tried, BitSet full) {
        long now = clock.millis();
        DeploymentState[] states = g.states;
        if (states.length == 1 && full == null) {
            DeploymentState only = states[0];
            if (only.atLimit(now)) {
                throw noCapacity(g, now);
            }
            return only;
        }
        int[] candidates = new int[states.length];
        int n = eligible(states, tried, full, now, candidates, true);
        if (n == 0 && tried != null && !tried.isEmpty()) {
            n = eligible(states, null, full, now, candidates, true);
        }
        if (n == 0) {
            // everything is cooling down or full: a group must not become unusable, so try the deployment that failed
            // longest ago among those with capacity left
            DeploymentState best = null;
            for (int i = 0; i < states.length; i++) {
                DeploymentState s = states[i];
                if ((full == null || !full.get(i)) && !s.atLimit(now)) {
                    if (best == null || s.lastFailureMillis() < best.lastFailureMillis()) {
                        best = s;
                    }
                }
            }
            if (best == null) {
                throw noCapacity(g, now);
            }
            return best;
        }
        if (n == 1) {
            return states[candidates[0]];
        }
        return states[choose(g, candidates, n, now)];
    }

    private static int eligible(
            DeploymentState[] states, BitSet tried, BitSet full, long now, int[] out, boolean skipCooling) {
        int n = 0;
        for (int i = 0; i < states.length; i++) {
            if (tried != null && tried.get(i) || full != null && full.get(i)) {
                continue;
            }
            DeploymentState s = states[i];
            if (skipCooling && s.coolingDown(now) || s.atLimit(now)) {
                continue;
            }
            out[n++] = i;
        }
        return n;
    }

    private int choose(Group g, int[] c, int n, long now) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        DeploymentState[] states = g.states;
        switch (strategy) {
            case LEAST_BUSY -> {
                int best = -1;
                int bestLoad = Integer.MAX_VALUE;
                int ties = 0;
                for (int k = 0; k < n; k++) {
                    int load = states[c[k]].inFlight();
                    if (load < bestLoad) {
                        bestLoad = load;
                        best = c[k];
                        ties = 1;
                    } else if (load == bestLoad && random.nextInt(++ties) == 0) {
                        best = c[k];
                    }
                }
                return best;
            }
            case LATENCY_BASED -> {
                double fastest = Double.MAX_VALUE;
                int unsampled = 0;
                int pickUnsampled = -1;
                for (int k = 0; k < n; k++) {
                    double l = states[c[k]].latencyMs();
                    if (l < 0) {
                        // never measured: try it, so every deployment gets a latency sample
                        if (random.nextInt(++unsampled) == 0) {
                            pickUnsampled = c[k];
                        }
                    } else if (l < fastest) {
                        fastest = l;
                    }
                }
                if (pickUnsampled >= 0) {
                    return pickUnsampled;
                }
                double limit = fastest * (1 + LATENCY_TOLERANCE) + 1;
                int best = -1;
                int ties = 0;
                for (int k = 0; k < n; k++) {
                    if (states[c[k]].latencyMs() <= limit && random.nextInt(++ties) == 0) {
                        best = c[k];
                    }
                }
                return best;
            }
            case USAGE_BASED -> {
                int best = -1;
                double bestUse = Double.MAX_VALUE;
                long bestTokens = Long.MAX_VALUE;
                int ties = 0;
                for (int k = 0; k < n; k++) {
                    DeploymentState s = states[c[k]];
                    double use = Math.max(0, s.utilisation(now));
                    long tokens = s.volumeThisMinute(now);
                    if (use < bestUse || use == bestUse && tokens < bestTokens) {
                        bestUse = use;
                        bestTokens = tokens;
                        best = c[k];
                        ties = 1;
                    } else if (use == bestUse && tokens == bestTokens && random.nextInt(++ties) == 0) {
                        best = c[k];
                    }
                }
                return best;
            }
            case COST_BASED -> {
                int best = -1;
                double bestCost = Double.MAX_VALUE;
                int ties = 0;
                for (int k = 0; k < n; k++) {
                    double cost = g.cost[c[k]];
                    if (cost < bestCost) {
                        bestCost = cost;
                        best = c[k];
                        ties = 1;
                    } else if (cost == bestCost && random.nextInt(++ties) == 0) {
                        best = c[k];
                    }
                }
                return best;
            }
            default -> {
                long total = 0;
                for (int k = 0; k < n; k++) {
                    total += g.weights[c[k]];
                }
                long r = random.nextLong(total);
                for (int k = 0; k < n; k++) {
                    r -= g.weights[c[k]];
                    if (r < 0) {
                        return c[k];
                    }
                }
                return c[n - 1];
            }
        }
    }

    private GatewayException noCapacity(Group g, long now) {
        long retryAfter = 60_000 - now % 60_000;
        return new GatewayException(
                429,
                "rate_limit_error",
                "No deployments available for model '" + g.name
                        + "': every deployment is at its rpm/tpm limit for this minute",
                null,
                "rate_limit_exceeded",
                false,
                retryAfter);
    }

    // ---- outcomes ----

    public void started(DeploymentState s) {
        s.inFlight.incrementAndGet();
    }

    public void succeeded(DeploymentState s, long latencyNanos, long tokens) {
        s.inFlight.decrementAndGet();
        long now = clock.millis();
        s.latency(latencyNanos);
        s.success(now);
        if (tokens > 0) {
            s.addTokens(now, tokens);
            if (shared != null && s.deployment.tpm() != null) {
                shared.addTokens(s, now, tokens);
            }
        }
    }

    /** Client gone or the call ended without a verdict on the deployment. */
    public void released(DeploymentState s) {
        s.inFlight.decrementAndGet();
    }

    /** Returns true when this failure put the deployment into cooldown. */
    public boolean failed(DeploymentState s, GatewayException e) {
        s.inFlight.decrementAndGet();
        if (!countsAgainstDeployment(e)) {
            return false;
        }
        long now = clock.millis();
        Group g = tables.groups.get(s.deployment.modelName());
        boolean percentRule = g != null && g.states.length > 1;
        if (s.failure(now, settings.allowedFails(), percentRule)) {
            long until = now + settings.cooldownTime().toMillis();
            s.coolDownUntil(until);
            if (shared != null) {
                shared.coolDown(s, until);
            }
            return true;
        }
        return false;
    }

    /**
     * Failures that say something about the deployment: timeouts, connection failures, rate limits, 5xx and 529
     * overloads. A client's mistake (400, 404, 422...) does not make a deployment unhealthy.
     */
    public static boolean countsAgainstDeployment(GatewayException e) {
        int s = e.status();
        return e.retriable() || s == 408 || s == 429 || s >= 500;
    }

    /** One model group, prepared once: arrays for an allocation-free pass, weights fixed at startup. */
    static final class Group {
        final String name;
        final DeploymentState[] states;
        final long[] weights;
        final double[] cost;

        Group(List<Deployment> deployments, Map<String, DeploymentState> byId) {
            this.name = deployments.get(0).modelName();
            this.states = new DeploymentState[deployments.size()];
            this.weights = new long[states.length];
            this.cost = new double[states.length];
            boolean anyWeight = deployments.stream().anyMatch(d -> d.weight() != null);
            boolean anyRpm = deployments.stream().anyMatch(d -> d.rpm() != null);
            boolean anyTpm = deployments.stream().anyMatch(d -> d.tpm() != null);
            for (int i = 0; i < states.length; i++) {
                Deployment d = deployments.get(i);
                states[i] = byId.computeIfAbsent(d.id(), k -> new DeploymentState(d));
                Integer w = anyWeight ? d.weight() : anyRpm ? d.rpm() : anyTpm ? d.tpm() : Integer.valueOf(1);
                weights[i] = w == null ? 1 : w;
                BigDecimal in = d.modelInfo().inputCostPerToken();
                BigDecimal out = d.modelInfo().outputCostPerToken();
                cost[i] = in == null && out == null
                        ? Double.MAX_VALUE / 2
                        : (in == null ? 0 : in.doubleValue()) + (out == null ? 0 : out.doubleValue());
            }
        }

        int indexOf(DeploymentState s) {
            for (int i = 0; i < states.length; i++) {
                if (states[i] == s) {
                    return i;
                }
            }
            return -1;
        }
    }
}
