package com.acme.mpc.gateway.surface.responses;

import com.acme.mpc.gateway.api.ApiErrors;
import com.acme.mpc.gateway.api.Caller;
import com.acme.mpc.gateway.config.Deployment;
import com.acme.mpc.gateway.config.GatewayConfig;
import com.acme.mpc.gateway.core.CallType;
import com.acme.mpc.gateway.core.GatewayException;
import com.acme.mpc.gateway.core.Json;
import com.acme.mpc.gateway.core.Usage;
import com.acme.mpc.gateway.provider.NativeOpenAiResponses;
import com.acme.mpc.gateway.provider.ProviderAdapter;
import com.acme.mpc.gateway.provider.UpstreamCall;
import com.acme.mpc.gateway.provider.http.SseFrame;
import com.acme.mpc.gateway.provider.mock.TokenEstimate;
import com.acme.mpc.gateway.surface.Attempt;
import com.acme.mpc.gateway.surface.CanonicalBody;
import com.acme.mpc.gateway.surface.RequestFields;
import com.acme.mpc.gateway.surface.Surface;
import com.acme.mpc.gateway.surface.SurfaceRequest;
import com.acme.mpc.gateway.surface.SurfaceStream;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import org.jboss.logging.Logger;

/**
 * OpenAI's {@code POST /v1/responses}. Deployments whose provider has the Responses API (OpenAI, Azure) get the
 * client's body with the upstream model name, and their answer and stream go back unchanged (usage read on the way);
 * the upstream keeps the state, the gateway only records which deployment served each response id and for which key.
 * Every other deployment is reached through the canonical chat form ({@link ResponsesToChat}, and
 * {@link ChatToResponses} or a fresh {@link ChatStreamToResponses} per attempt on the way out); the gateway then keeps
 * the state itself in {@link ResponsesStore} ({@code store}, {@code previous_response_id}). Errors in OpenAI's shape.
 */
public final class ResponsesSurface implements Surface<ResponsesEvent> {
    private static final Logger LOG = Logger.getLogger(ResponsesSurface.class);

    /** The current configuration snapshot (stored models swap it at run time). */
    private final java.util.function.Supplier<GatewayConfig> config;

    private final ResponsesStore store;
    private final ResponsesSettings settings;

    public ResponsesSurface(
            java.util.function.Supplier<GatewayConfig> config, ResponsesStore store, ResponsesSettings settings) {
        this.config = config;
        this.store = store;
        this.settings = settings;
    }

    @Override
    public CallType callType() {
        return CallType.RESPONSES;
    }

    @Override
    public SurfaceRequest read(ObjectNode body, HttpServerRequest http) {
        return read(body, http, null, null);
    }

    @Override
    public SurfaceRequest read(ObjectNode body, RoutingContext ctx) {
        return read(body, ctx.request(), ctx.get(Caller.CONTEXT_KEY), ctx.get(ResponsesEntry.PREVIOUS));
    }

    private SurfaceRequest read(ObjectNode body, HttpServerRequest http, Caller caller, StoredResponse previous) {
        ResponsesValidator.validate(body, settings.maxInputItems());
        boolean stream = body.path("stream").asBoolean(false);
        ArrayNode items = ResponsesToChat.inputItems(body);
        String owner = owner(caller);
        String previousId = body.path("previous_response_id").asText(null);
        // found before admission for this key (ResponsesEntry); another key's record is never used
        StoredResponse found = previous != null
                        && previous.id().equals(previousId)
                        && previous.owner().equals(owner)
                ? previous
                : null;
        ResponsesCall call = new ResponsesCall(owner, body.path("store").asBoolean(true), previousId, items, found);
        SurfaceRequest request = new SurfaceRequest(
                body,
                body.get("model").asText(),
                stream,
                true,
                body.path("user").asText(null),
                RequestFields.tags(body, false, http),
                RequestFields.routing(body, config.get()),
                null,
                stream ? TokenEstimate.of(promptText(body)) : 0,
                () -> ResponsesToChat.convert(body, items));
        request.surfaceState(call);
        if (found != null && found.passThrough() && found.deploymentId() != null) {
            // the conversation state is at the upstream that answered: another account of the group has not got it
            request.pin(found.modelGroup(), found.deploymentId());
        }
        return request;
    }

    /** Stored responses belong to the key that created them (its hash; the master key has one too). */
    static String owner(Caller caller) {
        return caller == null || caller.keyHash() == null ? "anonymous" : caller.keyHash();
    }

    private static String promptText(ObjectNode body) {
        JsonNode input = body.get("input");
        String instructions = body.path("instructions").asText("");
        return instructions + " " + (input == null ? "" : input.isTextual() ? input.asText() : input.toString());
    }

    /** The deployment's provider serves the Responses API itself. */
    static NativeOpenAiResponses nativeApi(ProviderAdapter adapter, Deployment d) {
        return adapter instanceof NativeOpenAiResponses n && !d.isMock() && n.servesResponses(d) ? n : null;
    }

    @Override
    public Uni<ObjectNode> answer(ProviderAdapter adapter, Attempt attempt) {
        ResponsesCall call = attempt.request().surfaceState();
        Deployment d = attempt.deployment();
        NativeOpenAiResponses api = nativeApi(adapter, d);
        if (api != null) {
            return call.previous(store, true)
                    .chain(prev -> api.createResponse(passThrough(attempt)))
                    .call(json -> remember(call, attempt, json.path("id").asText(null)));
        }
        ObjectNode body = attempt.request().body();
        return call.previous(store, false)
                .chain(prev -> adapter.chat(translated(attempt, call, prev)))
                .map(chat -> ChatToResponses.convert(chat, body, call, d.upstreamModel()))
                .call(response -> keep(call, attempt, response));
    }

    @Override
    public Multi<ResponsesEvent> stream(ProviderAdapter adapter, Attempt attempt) {
        ResponsesCall call = attempt.request().surfaceState();
        Deployment d = attempt.deployment();
        NativeOpenAiResponses api = nativeApi(adapter, d);
        if (api != null) {
            return call.previous(store, true)
                    .onItem()
                    .transformToMulti(prev -> api.streamResponse(passThrough(attempt)))
                    .map(ResponsesSurface::event)
                    .onItem()
                    .call(e -> "response.created".equals(e.type()) && e.data() != null
                            ? remember(
                                    call,
                                    attempt,
                                    e.data().path("response").path("id").asText(null))
                            : Uni.createFrom().voidItem());
        }
        ChatStreamToResponses translator =
                new ChatStreamToResponses(attempt.request().body(), call, d.upstreamModel());
        return call.previous(store, false)
                .onItem()
                .transformToMulti(prev -> adapter.streamChat(translated(attempt, call, prev)))
                .onItem()
                .transformToIterable(translator::onChunk)
                .onCompletion()
                .call(() -> keep(call, attempt, translator.finish()))
                .onCompletion()
                .continueWith(translator::onEnd);
    }

    private static ResponsesEvent event(SseFrame frame) {
        ObjectNode data = frame.data() == null ? null : Json.objectOrNull(frame.data());
        String type = frame.event() != null
                ? frame.event()
                : data == null ? null : data.path("type").asText(null);
        return new ResponsesEvent(type, data, frame.raw());
    }

    /** A passed-through response: only which deployment served it for whom (the upstream keeps the rest). */
    private Uni<Void> remember(ResponsesCall call, Attempt attempt, String upstreamId) {
        if (!call.store
                || upstreamId == null
                || !ResponsesValidator.ID.matcher(upstreamId).matches()) {
            return Uni.createFrom().voidItem();
        }
        Deployment d = attempt.deployment();
        return quietly(
                store.save(new StoredResponse(upstreamId, call.owner, d.modelName(), d.id(), true, null, null, null)));
    }

    /** A translated response: the answer, this input and the conversation before it. */
    private Uni<Void> keep(ResponsesCall call, Attempt attempt, ObjectNode response) {
        if (!call.store) {
            return Uni.createFrom().voidItem();
        }
        return call.previous(store, false)
                .chain(prev -> store.save(new StoredResponse(
                        call.id,
                        call.owner,
                        attempt.deployment().modelName(),
                        attempt.deployment().id(),
                        false,
                        response,
                        call.inputItems,
                        prev == null ? null : prev.conversation())))
                .onFailure()
                .recoverWithItem(t -> {
                    LOG.warnf("response %s answered but not stored: %s", call.id, t.getMessage());
                    return null;
                });
    }

    private static Uni<Void> quietly(Uni<Void> save) {
        return save.onFailure().recoverWithItem(t -> {
            LOG.warnf("passed-through response not recorded: %s", t.getMessage());
            return null;
        });
    }

    /** The client's body as sent but for the deployment's model and the gateway's own fields. */
    private static UpstreamCall passThrough(Attempt attempt) {
        ObjectNode body = attempt.request().body().deepCopy();
        // metadata is a field of the Responses API itself (string values, kept by OpenAI with the response)
        CanonicalBody.removeGatewayFields(body, java.util.Set.of("metadata"));
        body.put("model", attempt.deployment().upstreamModel());
        return attempt.upstream(CallType.RESPONSES, body);
    }

    private static UpstreamCall translated(Attempt attempt, ResponsesCall call, StoredResponse prev) {
        if (attempt.request().body().path("background").asBoolean(false)) {
            throw GatewayException.badRequest(
                    "background responses are not supported by model '"
                            + attempt.deployment().modelName() + "' (it is reached through chat completions)",
                    "background");
        }
        ObjectNode chat;
        if (prev == null) {
            chat = attempt.request().canonical();
        } else {
            ArrayNode items = prev.conversation();
            items.addAll(call.inputItems);
            chat = ResponsesToChat.convert(attempt.request().body(), items);
        }
        Deployment d = attempt.deployment();
        ObjectNode body = CanonicalBody.prepareTranslated(chat, d);
        return attempt.upstream(CallType.CHAT_COMPLETION, body);
    }

    @Override
    public Usage usage(ObjectNode answer) {
        return ResponseObjects.usage(answer.get("usage"));
    }

    @Override
    public SurfaceStream<ResponsesEvent> newStream(SurfaceRequest request) {
        return new ResponsesStream();
    }

    @Override
    public Buffer replay(ObjectNode answer, SurfaceRequest request) {
        Buffer out = Buffer.buffer();
        ResponsesStream encoder = new ResponsesStream();
        for (ResponsesEvent e : ResponseEventSequence.replay(answer)) {
            encoder.encode(e, out);
        }
        return out;
    }

    @Override
    public void writeError(HttpServerResponse response, GatewayException e) {
        ApiErrors.write(response, e);
    }
}
