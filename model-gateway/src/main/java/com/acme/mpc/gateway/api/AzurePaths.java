package com.acme.mpc.gateway.api;

import com.acme.mpc.gateway.core.GatewayException;
import com.acme.mpc.gateway.core.Json;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.impl.RoutingContextInternal;

/**
 * Azure OpenAI's {@code /openai/deployments/{deployment}/...} paths: the deployment named in the path is the model
 * group (Azure clients may leave {@code model} out of the body, or name another one). The body is rewritten before
 * admission so that key model limits, budgets and usage all see the model actually called.
 */
final class AzurePaths {
    private AzurePaths() {}

    static void modelFromPath(RoutingContext ctx) {
        String deployment = ctx.pathParam("deployment");
        Buffer raw = ctx.body() == null ? null : ctx.body().buffer();
        ObjectNode body;
        try {
            body = Json.clientObject(raw == null ? null : raw.getBytes());
        } catch (GatewayException e) {
            // left as sent: the surface answers the malformed body with its own 400
            return;
        }
        body.put("model", deployment);
        ((RoutingContextInternal) ctx).setBody(Json.toBuffer(body));
    }
}
