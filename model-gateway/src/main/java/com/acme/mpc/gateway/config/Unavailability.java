package com.acme.mpc.gateway.config;

/**
 * Why a {@code model_list} entry is loaded but cannot serve calls. LiteLLM accepts such entries and fails the call
 * instead; the gateway does the same (unless {@code gateway.config.strict}), lists them as unavailable in
 * {@code /model/info} and {@code /health}, and the router never picks them.
 *
 * @param model the entry's {@code litellm_params.model} as written (its provider prefix names the provider)
 * @param reason one sentence for the operator and the client; never contains a secret
 */
public record Unavailability(Kind kind, String model, String reason) {

    /** What is missing. */
    public enum Kind {
        /** The provider, or the model's mode (image generation, audio...), is not served by this gateway. */
        UNSUPPORTED,
        /** The provider needs a credential and the config gives none (e.g. an unset {@code os.environ/} variable). */
        NO_CREDENTIALS
    }

    /** The provider prefix of {@link #model()} ({@code sagemaker} for {@code sagemaker/x}), or the whole name. */
    public String provider() {
        int slash = model.indexOf('/');
        return slash > 0 ? model.substring(0, slash) : model;
    }
}
