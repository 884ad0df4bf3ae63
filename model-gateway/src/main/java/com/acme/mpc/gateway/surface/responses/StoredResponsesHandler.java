package com.acme.mpc.gateway.surface.responses;

import com.acme.mpc.gateway.api.ApiErrors;
import com.acme.mpc.gateway.api.Authenticator;
import com.acme.mpc.gateway.config.ConfigHolder;
import com.acme.mpc.gateway.config.Deployment;
import com.acme.mpc.gateway.core.GatewayException;
import com.acme.mpc.gateway.core.Json;
import com.acme.mpc.gateway.provider.NativeOpenAiResponses;
import com.acme.mpc.gateway.provider.ProviderRegistry;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;

/**
 * {@code GET} and {@code DELETE /v1/responses/{id}}, {@code GET /v1/responses/{id}/input_items} and {@code POST
 * /v1/responses/{id}/cancel}. The id is looked up for the calling key only (another key's id is a 404). A translated
 * response is answered from the store; a passed-through one is relayed to the deployment that served it, which
 * keeps its state. Cancelling needs a background response, which only passed-through providers run.
 */
@ApplicationScoped
public class StoredResponsesHandler {
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    private final Authenticator authenticator;
    private final ResponsesStore store;
    private final ConfigHolder holder;
    private final ProviderRegistry providers;

    public StoredResponsesHandler(
            Authenticator authenticator, ResponsesStore store, ConfigHolder holder, ProviderRegistry providers) {
        this.authenticator = authenticator;
        this.store = store;
        this.holder = holder;
        this.providers = providers;
    }

    /**
     * The stored response; with {@code stream=true} (the SDKs' {@code retrieveStreaming}) its events as a Responses
     * stream, from after {@code starting_after} (a sequence number) when given. The gateway replays the events of a
     * finished response (completed or incomplete) from its final state, for a translated and a passed-through one
     * alike; a response still running upstream (a background response) cannot be streamed here and is a 400 telling
     * the client to poll without {@code stream}.
     */
    public void retrieve(RoutingContext ctx) {
        if (!"true".equals(ctx.request().getParam("stream"))) {
            run(
                    ctx,
                    "GET",
                    "",
                    ctx.request().query(),
                    (r, id) -> Uni.createFrom().item(r.response()),
                    JSON_BODY);
            return;
        }
        long after;
        try {
            after = startingAfter(ctx.request().getParam("starting_after"));
        } catch (GatewayException e) {
            ApiErrors.write(ctx.response(), e);
            return;
        }
        // the upstream is asked for the response itself: its stream is what the gateway replays
        run(ctx, "GET", "", null, (r, id) -> Uni.createFrom().item(r.response()), (c, response) -> {
            String status = response.path("status").asText();
            if (!"completed".equals(status) && !"incomplete".equals(status)) {
                ApiErrors.write(
                        c.response(),
                        GatewayException.badRequest(
                                "Response '" + response.path("id").asText() + "' is " + status
                                        + ": only a finished response can be streamed by this gateway; retrieve it"
                                        + " without stream=true until it has finished",
                                "stream"));
                return;
            }
            Buffer out = Buffer.buffer();
            ResponsesStream encoder = new ResponsesStream();
            for (ResponsesEvent e : ResponseEventSequence.replay(response)) {
                if (e.data() == null || e.data().path("sequence_number").asLong() > after) {
                    encoder.encode(e, out);
                }
            }
            c.response().putHeader("content-type", "text/event-stream").end(out);
        });
    }

    private static long startingAfter(String value) {
        if (value == null) {
            return -1;
        }
        try {
            long n = Long.parseLong(value);
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw GatewayException.badRequest(
                "starting_after must be a sequence number (an integer >= 0)", "starting_after");
    }

    private static final Writer JSON_BODY = (ctx, json) ->
            ctx.response().putHeader("content-type", "application/json").end(Buffer.buffer(Json.toBytes(json)));

    public void delete(RoutingContext ctx) {
        run(
                ctx,
                "DELETE",
                "",
                ctx.request().query(),
                (r, id) -> store.delete(r.owner(), id).map(deleted -> {
                    ObjectNode out = Json.MAPPER.createObjectNode();
                    out.put("id", id);
                    out.put("object", "response");
                    out.put("deleted", true);
                    return out;
                }),
                JSON_BODY);
    }

    public void inputItems(RoutingContext ctx) {
        run(
                ctx,
                "GET",
                "/input_items",
                ctx.request().query(),
                (r, id) -> Uni.createFrom().item(page(ctx, r.inputItems())),
                JSON_BODY);
    }

    public void cancel(RoutingContext ctx) {
        run(
                ctx,
                "POST",
                "/cancel",
                ctx.request().query(),
                (r, id) -> Uni.createFrom()
                        .failure(GatewayException.badRequest(
                                "Only background responses can be cancelled; response '" + id
                                        + "' was not created in the" + " background",
                                null)),
                JSON_BODY);
    }

    private interface Local {
        Uni<ObjectNode> answer(StoredResponse r, String id);
    }

    /** Writes the answer (on the request's context, response not yet ended). */
    private interface Writer {
        void write(RoutingContext ctx, ObjectNode answer);
    }

    private void run(RoutingContext ctx, String method, String subPath, String query, Local local, Writer writer) {
        String id = ctx.pathParam("id");
        if (id == null || !ResponsesValidator.ID.matcher(id).matches()) {
            ApiErrors.write(ctx.response(), notFound(id == null ? "" : id));
            return;
        }
        authenticator
                .authenticateAsync(ctx.request())
                .chain(caller -> store.find(ResponsesSurface.owner(caller), id))
                .chain(r -> {
                    if (r == null) {
                        throw notFound(id);
                    }
                    if (!r.passThrough()) {
                        return local.answer(r, id);
                    }
                    Uni<ObjectNode> relayed = relay(r, method, id, subPath, query);
                    return method.equals("DELETE") ? relayed.call(json -> store.delete(r.owner(), id)) : relayed;
                })
                .subscribe()
                .with(
                        json -> {
                            if (!ctx.response().ended()) {
                                writer.write(ctx, json);
                            }
                        },
                        t -> ApiErrors.write(
                                ctx.response(),
                                t instanceof GatewayException g
                                        ? g
                                        : new GatewayException(
                                                500, "api_error", "internal gateway error", null, null, false)));
    }

    private Uni<ObjectNode> relay(StoredResponse r, String method, String id, String subPath, String query) {
        Deployment d = deployment(r.deploymentId());
        NativeOpenAiResponses api = d == null ? null : ResponsesSurface.nativeApi(providers.adapterFor(d), d);
        if (api == null) {
            // the deployment left the configuration: its upstream state cannot be reached any more
            return Uni.createFrom().failure(notFound(id));
        }
        return api.responseOperation(
                d, method, id, subPath, query, d.timeout() == null ? DEFAULT_TIMEOUT : d.timeout());
    }

    private Deployment deployment(String id) {
        if (id == null) {
            return null;
        }
        // the current snapshot: a stored model added or removed at run time counts
        for (List<Deployment> group : holder.config().groups().values()) {
            for (Deployment d : group) {
                if (id.equals(d.id())) {
                    return d;
                }
            }
        }
        return null;
    }

    /** One page of input items, as OpenAI lists them: newest first unless {@code order=asc}, after an item id. */
    private static ObjectNode page(RoutingContext ctx, ArrayNode items) {
        List<JsonNode> all = new java.util.ArrayList<>();
        if (items != null) {
            items.forEach(all::add);
        }
        if (!"asc".equals(ctx.request().getParam("order"))) {
            java.util.Collections.reverse(all);
        }
        String after = ctx.request().getParam("after");
        int start = 0;
        if (after != null) {
            for (int i = 0; i < all.size(); i++) {
                if (after.equals(all.get(i).path("id").asText())) {
                    start = i + 1;
                    break;
                }
            }
        }
        int limit = 20;
        String l = ctx.request().getParam("limit");
        if (l != null) {
            try {
                limit = Integer.parseInt(l);
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > 100) {
                throw GatewayException.badRequest("limit must be an integer from 1 to 100", "limit");
            }
        }
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("object", "list");
        ArrayNode data = out.putArray("data");
        int end = Math.min(all.size(), start + limit);
        for (int i = start; i < end; i++) {
            data.add(all.get(i));
        }
        if (data.isEmpty()) {
            out.putNull("first_id");
            out.putNull("last_id");
        } else {
            out.put("first_id", data.get(0).path("id").asText());
            out.put("last_id", data.get(data.size() - 1).path("id").asText());
        }
        out.put("has_more", end < all.size());
        return out;
    }

    private static GatewayException notFound(String id) {
        return GatewayException.notFound("Response with id '" + id + "' not found.", null, null);
    }
}
