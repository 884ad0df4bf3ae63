package com.acme.mpc.gateway.config;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.time.Duration;

/**
 * One {@code model_list} entry: a concrete upstream model behind a public model name (its group).
 *
 * @param id {@code model_info.id}, or a stable id derived from the entry's content
 * @param upstreamModel the model name sent to the provider (the part after {@code <provider>/})
 * @param apiBase the upstream base URL; null only for mock deployments
 * @param apiKey the provider credential; never logged, never returned by any endpoint
 * @param extraParams {@code litellm_params} keys the gateway does not interpret, merged into every request body
 * @param mockResponse when set, the deployment answers locally with this text ({@code litellm_params.mock_response})
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
        ModelInfo modelInfo) {

    public boolean isMock() {
        return mockResponse != null;
    }

    /** The mode from {@code model_info.mode}, defaulting to chat. */
    public String mode() {
        return modelInfo.mode() == null ? "chat" : modelInfo.mode();
    }

    public String providerName() {
        return isMock() ? "mock" : provider.usageName();
    }

    @Override
    public String toString() {
        // apiKey deliberately omitted: records print all components by default.
        return "Deployment[" + id + " " + modelName + " -> " + provider.prefix() + "/" + upstreamModel + "]";
    }
}
