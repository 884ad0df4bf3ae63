package com.acme.mpc.api.rest;

import io.vertx.ext.web.RoutingContext;

/**
 * An error in the shape of the API the client speaks on this path: Anthropic's on /api/v1/messages..., OpenAI's on
 * every other /api route.
 */
final class ApiErrors {

    private ApiErrors() {}

    /**
     * @param openAiType the OpenAI error type (Anthropic's follows from the status)
     * @param code the OpenAI error code, may be null (Anthropic's shape has none)
     */
    static void send(RoutingContext rc, int status, String message, String openAiType, String code) {
        if (AnthropicErrors.appliesTo(rc.request().path())) {
            AnthropicErrors.send(rc.response(), status, message);
        } else {
            OpenAiErrors.send(rc.response(), status, message, openAiType, code);
        }
    }
}
