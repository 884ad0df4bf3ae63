package com.acme.mpc.gateway.surface.anthropic;

import com.acme.mpc.gateway.config.Deployment;
import com.acme.mpc.gateway.config.GatewayConfig;
import com.acme.mpc.gateway.core.CallType;
import com.acme.mpc.gateway.core.GatewayException;
import com.acme.mpc.gateway.core.Json;
import com.acme.mpc.gateway.core.Usage;
import com.acme.mpc.gateway.provider.NativeAnthropicMessages;
import com.acme.mpc.gateway.provider.ProviderAdapter;
import com.acme.mpc.gateway.provider.http.SseFrame;
import com.acme.mpc.gateway.provider.mock.TokenEstimate;
import com.acme.mpc.gateway.surface.Attempt;
import com.acme.mpc.gateway.surface.CanonicalBody;
import com.acme.mpc.gateway.surface.RequestFields;
import com.acme.mpc.gateway.surface.Surface;
import com.acme.mpc.gateway.surface.SurfaceRequest;
import com.acme.mpc.gateway.surface.SurfaceStream;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Anthropic's {@code POST /v1/messages}. Deployments that speak Anthropic's API natively get the client's body
 * unchanged but for {@code model}, and their answer and stream go back unchanged (usage read on the way). Every other
 * deployment is reached through the canonical chat form: {@link MessagesToChat} on the way in, {@link ChatToMessages}
 * or a fresh {@link ChatStreamTranslator} per attempt on the way out. Errors in Anthropic's shape.
 */
public final class MessagesSurface implements Surface<AnthropicEvent> {
    /** The client headers sent on to Anthropic deployments. */
    private static final String[] FORWARDED = {"anthropic-version", "anthropic-beta"};
    /** Request fields of Anthropic's API that are also LiteLLM request parameters. */
    private static final Set<String> ANTHROPIC_FIELDS = Set.of("metadata");

    private final Supplier<GatewayConfig> config;

    public MessagesSurface(Supplier<GatewayConfig> config) {
        this.config = config;
    }

    @Override
    public CallType callType() {
        return CallType.ANTHROPIC_MESSAGES;
    }

    @Override
    public SurfaceRequest read(ObjectNode body, HttpServerRequest http) {
        MessagesValidator.validate(body, false);
        boolean stream = body.path("stream").asBoolean(false);
        return new SurfaceRequest(
                body,
                body.get("model").asText(),
                stream,
                true,
                body.path("metadata").path("user_id").asText(null),
                RequestFields.tags(body, false, http),
                RequestFields.routing(body, config.get()),
                forwardedHeaders(http),
                stream ? TokenEstimate.of(MessagesText.of(body)) : 0,
                () -> MessagesToChat.convert(body));
    }

    static Map<String, String> forwardedHeaders(HttpServerRequest http) {
        Map<String, String> headers = new HashMap<>(2);
        for (String name : FORWARDED) {
            String v = http.getHeader(name);
            if (v != null && !v.isBlank()) {
                headers.put(name, v.trim());
            }
        }
        return headers;
    }

    /** The deployment speaks Anthropic's API (a mock deployment answers in the canonical form). */
    static NativeAnthropicMessages nativeApi(ProviderAdapter adapter, Deployment d) {
        return adapter instanceof NativeAnthropicMessages n && n.servesMessages(d) ? n : null;
    }

    @Override
    public Uni<ObjectNode> answer(ProviderAdapter adapter, Attempt attempt) {
        NativeAnthropicMessages api = nativeApi(adapter, attempt.deployment());
        if (api != null) {
            return api.messages(passThrough(attempt), attempt.request().forwardHeaders());
        }
        return adapter.chat(translated(attempt)).map(ChatToMessages::convert);
    }

    @Override
    public Multi<AnthropicEvent> stream(ProviderAdapter adapter, Attempt attempt) {
        NativeAnthropicMessages api = nativeApi(adapter, attempt.deployment());
        if (api != null) {
            return api.streamMessages(passThrough(attempt), attempt.request().forwardHeaders())
                    .map(MessagesSurface::event);
        }
        ChatStreamTranslator translator =
                new ChatStreamTranslator(attempt.deployment().upstreamModel());
        return adapter.streamChat(translated(attempt))
                .onItem()
                .transformToIterable(translator::onChunk)
                .onCompletion()
                .continueWith(translator::onEnd);
    }

    private static AnthropicEvent event(SseFrame frame) {
        ObjectNode data = frame.data() == null ? null : Json.objectOrNull(frame.data());
        String type = frame.event() != null
                ? frame.event()
                : data == null ? null : data.path("type").asText(null);
        return new AnthropicEvent(type, data, frame.raw());
    }

    /**
     * The client's body as sent, but for the deployment's model name and LiteLLM's request parameters, which steer
     * the gateway and which Anthropic refuses as unknown fields (a shallow copy: nothing else changes).
     */
    private static com.acme.mpc.gateway.provider.UpstreamCall passThrough(Attempt attempt) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.setAll(attempt.request().body());
        body.put("model", attempt.deployment().upstreamModel());
        CanonicalBody.removeGatewayFields(body, ANTHROPIC_FIELDS);
        return attempt.upstream(CallType.ANTHROPIC_MESSAGES, body);
    }

    private static com.acme.mpc.gateway.provider.UpstreamCall translated(Attempt attempt) {
        Deployment d = attempt.deployment();
        ObjectNode body = CanonicalBody.prepareTranslated(attempt.request().canonical(), d);
        return attempt.upstream(CallType.CHAT_COMPLETION, body);
    }

    @Override
    public Usage usage(ObjectNode answer) {
        return AnthropicUsage.read(answer.get("usage"));
    }

    @Override
    public SurfaceStream<AnthropicEvent> newStream(SurfaceRequest request) {
        return new AnthropicStream();
    }

    @Override
    public Buffer replay(ObjectNode answer, SurfaceRequest request) {
        Buffer out = Buffer.buffer();
        AnthropicStream encoder = new AnthropicStream();
        for (AnthropicEvent e : MessageReplay.events(answer)) {
            encoder.encode(e, out);
        }
        return out;
    }

    @Override
    public void writeError(HttpServerResponse response, GatewayException e) {
        AnthropicErrorShape.write(response, e);
    }
}
