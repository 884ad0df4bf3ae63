package com.acme.mpc.gateway.config;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One {@code model_list} entry: a concrete upstream model behind a public model name (its group).
 *
 * @param id {@code model_info.id}, or a stable id derived from the entry's content
 * @param upstreamModel the model name sent to the provider (the part after {@code <provider>/})
 * @param apiBase the upstream base URL; null only for mock deployments
 * @param apiKey the provider credential; never logged, never returned by any endpoint
 * @param extraParams {@code litellm_params} keys the gateway does not interpret, merged into every request body
 * @param mockResponse when set, the deployment answers locally with this text ({@code litellm_params.mock_response})
 * @param unavailable why the entry cannot serve calls (the router never picks it), or null when it can
 * @param organization {@code litellm_params.organization}, sent as OpenAI's {@code OpenAI-Organization} header
 * @param headers {@code litellm_params.extra_headers}: HTTP headers added to every upstream request
 * @param accessGroups {@code model_info.access_groups}: names a virtual key's {@code models} may use for this group
 */
public record Deployment(
        int index,
        String id,
        String modelName,
        ProviderKind provider,
        String upstreamModel,
        URI apiBase,
        String apiKey,
        String apiVersion,
        Integer rpm,
        Integer tpm,
        Integer weight,
        Duration timeout,
        Duration streamTimeout,
        Integer maxTokens,
        String mockResponse,
        ObjectNode extraParams,
        ModelInfo modelInfo,
        Unavailability unavailable,
        String organization,
        Map<String, String> headers,
        List<String> accessGroups) {

    /** A usable deployment without organization, extra headers or access groups. */
    public Deployment(
            int index,
            String id,
            String modelName,
            ProviderKind provider,
            String upstreamModel,
            URI apiBase,
            String apiKey,
            String apiVersion,
            Integer rpm,
            Integer tpm,
            Integer weight,
            Duration timeout,
            Duration streamTimeout,
            Integer maxTokens,
            String mockResponse,
            ObjectNode extraParams,
            ModelInfo modelInfo) {
        this(
                index,
                id,
                modelName,
                provider,
                upstreamModel,
                apiBase,
                apiKey,
                apiVersion,
                rpm,
                tpm,
                weight,
                timeout,
                streamTimeout,
                maxTokens,
                mockResponse,
                extraParams,
                modelInfo,
                null,
                null,
                Map.of(),
                List.of());
    }

    /** Whether the model name has a {@code *}: the requested name fills it in (LiteLLM's wildcard routing). */
    public boolean isWildcard() {
        return upstreamModel != null && upstreamModel.indexOf('*') >= 0;
    }

    /** This deployment serving one concrete model: same id, limits and prices; another provider/model/endpoint. */
    public Deployment serving(ProviderKind kind, String model, URI base, String key) {
        return new Deployment(
                index,
                id,
                modelName,
                kind,
                model,
                base,
                key,
                apiVersion,
                rpm,
                tpm,
                weight,
                timeout,
                streamTimeout,
                maxTokens,
                mockResponse,
                extraParams,
                modelInfo,
                unavailable,
                organization,
                headers,
                accessGroups);
    }

    /**
     * This deployment answering locally with {@code text} (LiteLLM's per-request {@code mock_response}): same id,
     * group and limits, no provider call.
     */
    public Deployment mocked(String text) {
        return new Deployment(
                index,
                id,
                modelName,
                provider,
                upstreamModel,
                apiBase,
                apiKey,
                apiVersion,
                rpm,
                tpm,
                weight,
                timeout,
                streamTimeout,
                maxTokens,
                text,
                extraParams,
                modelInfo,
                unavailable,
                organization,
                headers,
                accessGroups);
    }

    /** Whether the router may pick this deployment. */
    public boolean available() {
        return unavailable == null;
    }

    /** {@code litellm_params.model} as LiteLLM writes it: {@code <provider>/<upstream model>}. */
    public String litellmModel() {
        if (provider == null) {
            return unavailable == null ? upstreamModel : unavailable.model();
        }
        return provider.prefix() + "/" + upstreamModel;
    }

    public boolean isMock() {
        return mockResponse != null;
    }

    /** The mode from {@code model_info.mode}, defaulting to chat. */
    public String mode() {
        String mode = ModelModes.of(this, null);
        return mode == null ? ModelModes.CHAT : mode;
    }

    public String providerName() {
        if (isMock()) {
            return "mock";
        }
        if (provider == null) {
            return unavailable == null ? "wildcard" : unavailable.provider();
        }
        return provider.usageName();
    }

    @Override
    public String toString() {
        // apiKey deliberately omitted: records print all components by default.
        return "Deployment[" + id + " " + modelName + " -> " + litellmModel() + "]";
    }
}
