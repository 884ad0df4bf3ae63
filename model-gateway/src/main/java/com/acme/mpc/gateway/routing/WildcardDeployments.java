package com.acme.mpc.gateway.routing;

import com.acme.mpc.gateway.config.ConfigHolder;
import com.acme.mpc.gateway.config.Deployment;
import com.acme.mpc.gateway.config.GatewayConfig;
import com.acme.mpc.gateway.config.ModelNames;
import com.acme.mpc.gateway.config.ProviderKind;
import com.acme.mpc.gateway.core.GatewayException;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns a wildcard deployment ({@code model: openai/*}, {@code model: "*"}) into the concrete deployment of one
 * request, as LiteLLM's wildcard routing does: the text the group's {@code *} matched in the requested name replaces
 * the {@code *} of {@code litellm_params.model}; for {@code "*"} the result's {@code provider/} prefix (or a bare
 * model's family) picks the provider, with the deployment's api_base/api_key else the provider's variables. The
 * concrete deployment keeps the id, limits and prices; usage and cost see the upstream model name. Results are
 * memoised (bounded), so a repeated name costs two map lookups and no allocation.
 */
@ApplicationScoped
public class WildcardDeployments {
    private static final int MAX_MEMO = 10_000;

    private final GatewayConfig config;
    /** Per wildcard deployment id, the concrete deployment of each requested name (two probes, no allocation). */
    private final ConcurrentHashMap<String, ConcurrentHashMap<String, Deployment>> memo = new ConcurrentHashMap<>();

    private final java.util.concurrent.atomic.AtomicInteger memoSize = new java.util.concurrent.atomic.AtomicInteger();

    @jakarta.inject.Inject
    public WildcardDeployments(ConfigHolder holder) {
        this(holder.config());
    }

    /** Over a config built in code (benchmarks). */
    public WildcardDeployments(GatewayConfig config) {
        this.config = config;
    }

    /** {@code d} itself unless it is a wildcard; then the deployment serving {@code requested}. */
    public Deployment serve(Deployment d, String requested) {
        if (!d.isWildcard() || requested == null) {
            return d;
        }
        ConcurrentHashMap<String, Deployment> forDeployment = memo.get(d.id());
        if (forDeployment == null) {
            forDeployment = memo.computeIfAbsent(d.id(), k -> new ConcurrentHashMap<>());
        }
        Deployment known = forDeployment.get(requested);
        if (known != null) {
            return known;
        }
        Deployment concrete = concrete(d, requested);
        if (memoSize.get() < MAX_MEMO && forDeployment.putIfAbsent(requested, concrete) == null) {
            memoSize.incrementAndGet();
        }
        return concrete;
    }

    private Deployment concrete(Deployment d, String requested) {
        String captured = ModelNames.captured(d.modelName(), requested);
        if (captured == null) {
            // reached as a fallback or alias under another name: the whole requested name fills the wildcard
            captured = requested;
        }
        String model = d.litellmModel().replace("*", captured);
        if (d.provider() != null) {
            return d.serving(d.provider(), model.substring(model.indexOf('/') + 1), d.apiBase(), d.apiKey());
        }
        int slash = model.indexOf('/');
        ProviderKind kind = slash > 0
                ? ProviderKind.byPrefix(model.substring(0, slash)).orElse(null)
                : ProviderKind.inferFromBareModel(model).orElse(null);
        if (kind == null) {
            throw new GatewayException(
                    400,
                    "invalid_request_error",
                    "model '" + requested + "': cannot tell its provider, or the provider is not supported by this"
                            + " gateway; write <provider>/<model>, e.g. openai/gpt-4o",
                    "model",
                    DeploymentUnavailable.NOT_SUPPORTED,
                    false);
        }
        String upstream = slash > 0 ? model.substring(slash + 1) : model;
        GatewayConfig.ProviderAccess access = config.providerAccess().get(kind);
        var base = d.apiBase() != null ? d.apiBase() : access == null ? null : access.apiBase();
        String apiKey = d.apiKey() != null ? d.apiKey() : access == null ? null : access.apiKey();
        if (base == null) {
            throw GatewayException.badRequest(
                    "model '" + requested + "': provider '" + kind.prefix() + "' needs an api_base, and the"
                            + " wildcard deployment has none",
                    "model");
        }
        return d.serving(kind, upstream, base, apiKey);
    }
}
