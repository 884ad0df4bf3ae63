package com.acme.mpc.gateway.surface.responses;

import com.acme.mpc.gateway.api.ApiErrors;
import com.acme.mpc.gateway.api.Authenticator;
import com.acme.mpc.gateway.core.GatewayException;
import com.acme.mpc.gateway.core.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Looks up the stored previous response of a {@code POST /v1/responses} before the call enters the pipeline: an
 * unknown id (or another key's) is a 404 and an unreachable store a 503 before admission, routing and any provider,
 * so neither a client's bad id nor a cost-tracker outage is ever billed or held against a deployment. The record found
 * goes to {@link ResponsesSurface#read} through the routing context.
 */
@ApplicationScoped
public class ResponsesEntry {
    /** Where the previous response found for the call is kept in the routing context. */
    static final String PREVIOUS = "gateway.responses.previous";

    private static final byte[] FIELD = "previous_response_id".getBytes(StandardCharsets.US_ASCII);

    private final Authenticator authenticator;
    private final ResponsesStore store;

    public ResponsesEntry(Authenticator authenticator, ResponsesStore store) {
        this.authenticator = authenticator;
        this.store = store;
    }

    /** Runs {@code next} (the pipeline) once the previous response, if the body names one, was found. */
    public void handle(RoutingContext ctx, Consumer<RoutingContext> next) {
        String previous = previousId(ctx.body().buffer());
        if (previous == null) {
            next.accept(ctx);
            return;
        }
        authenticator
                .authenticateAsync(ctx.request())
                .chain(caller -> store.find(ResponsesSurface.owner(caller), previous))
                .subscribe()
                .with(
                        found -> {
                            if (found == null) {
                                ApiErrors.write(ctx.response(), ResponsesCall.previousNotFound(previous));
                                return;
                            }
                            ctx.put(PREVIOUS, found);
                            next.accept(ctx);
                        },
                        e -> ApiErrors.write(
                                ctx.response(),
                                e instanceof GatewayException g
                                        ? g
                                        : new GatewayException(
                                                500, "api_error", "internal gateway error", null, null, false)));
    }

    /** The body's previous_response_id when it is a well-formed id; anything else is the validator's to refuse. */
    static String previousId(Buffer raw) {
        if (raw == null || raw.length() == 0 || !contains(raw.getBytes(), FIELD)) {
            return null;
        }
        ObjectNode body = Json.objectOrNull(raw.getBytes());
        JsonNode p = body == null ? null : body.get("previous_response_id");
        return p != null
                        && p.isTextual()
                        && ResponsesValidator.ID.matcher(p.asText()).matches()
                ? p.asText()
                : null;
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
