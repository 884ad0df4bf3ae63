package com.acme.mpc.gateway.routing;

import com.acme.mpc.gateway.config.Deployment;
import com.acme.mpc.gateway.config.Unavailability;
import com.acme.mpc.gateway.core.GatewayException;
import java.util.List;

/**
 * The answer to a call for a model group none of whose deployments can serve. An unsupported provider is the
 * client's 400 {@code invalid_request_error} (as LiteLLM answers it); missing provider credentials are the gateway's
 * fault, a 503 that says so instead of relaying the provider's "incorrect API key", which would blame the client.
 * Both may fall back to another group ({@code provider_not_supported} and 5xx are fallback-worthy).
 */
public final class DeploymentUnavailable {
    /** Error code of an unsupported provider or mode. */
    public static final String NOT_SUPPORTED = "provider_not_supported";

    /** Error code of a deployment the gateway has no credentials for. */
    public static final String NO_CREDENTIALS = "provider_credentials_missing";

    private DeploymentUnavailable() {}

    static GatewayException error(List<Deployment> group) {
        Deployment first = group.get(0);
        Unavailability u = first.unavailable();
        String model = "model '" + first.modelName() + "'";
        if (u.kind() == Unavailability.Kind.UNSUPPORTED) {
            return new GatewayException(
                    400,
                    "invalid_request_error",
                    model + " (" + u.model() + "): " + u.reason(),
                    "model",
                    NOT_SUPPORTED,
                    false);
        }
        return new GatewayException(
                503,
                "api_error",
                model + ": " + u.reason() + ". This is a gateway configuration problem, not your API key; ask the"
                        + " gateway operator.",
                null,
                NO_CREDENTIALS,
                false);
    }
}
