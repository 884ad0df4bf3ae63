package com.acme.mpc.gateway.service;

import com.acme.mpc.gateway.api.ApiErrors;
import com.acme.mpc.gateway.api.Caller;
import com.acme.mpc.gateway.config.ConfigHolder;
import com.acme.mpc.gateway.config.Deployment;
import com.acme.mpc.gateway.config.GatewayConfig;
import com.acme.mpc.gateway.config.ModelModes;
import com.acme.mpc.gateway.core.GatewayException;
import com.acme.mpc.gateway.core.Usage;
import com.acme.mpc.gateway.keys.KeyGuard;
import com.acme.mpc.gateway.keys.KeyInfo;
import com.acme.mpc.gateway.logging.RequestIds;
import com.acme.mpc.gateway.provider.http.UpstreamHttp;
import com.acme.mpc.gateway.provider.media.MediaUpstream;
import com.acme.mpc.gateway.surface.RequestFields;
import com.acme.mpc.gateway.surface.SurfaceRequest;
import com.acme.mpc.gateway.surface.media.MediaAnswer;
import com.acme.mpc.gateway.surface.media.MediaRequest;
import com.acme.mpc.gateway.surface.media.MediaSurface;
import com.acme.mpc.gateway.usage.MediaCost;
import com.acme.mpc.gateway.usage.MediaPrices;
import com.acme.mpc.gateway.usage.UsageEventIds;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * The request path of the media endpoints (images, audio, moderations, rerank), beside {@link CallPipeline}: the same
 * admission (keys, limits, budget reservation), routing, write-ahead record, retries, fallbacks and cooldowns
 * ({@link CallExecutor#attempts}); only deployments whose mode fits the endpoint serve it. The answer is sent as the
 * upstream gave it (speech relayed as it arrives) and the call is billed per image, second, character or query
 * ({@link MediaCost}). Never cached. Runs on the event loop and never blocks.
 */
@ApplicationScoped
public class MediaPipeline {
    private static final Logger LOG = Logger.getLogger(MediaPipeline.class);

    private final ConfigHolder holder;
    private final UsageRecorder usage;
    private final CallExecutor executor;
    private final MediaUpstream upstream;
    private final MediaPrices prices = MediaPrices.builtIn();

    /** keys: authentication and admission of each call. */
    @Inject
    KeyGuard keyGuard;

    public MediaPipeline(ConfigHolder holder, UsageRecorder usage, CallExecutor executor, MediaUpstream upstream) {
        this.holder = holder;
        this.usage = usage;
        this.executor = executor;
        this.upstream = upstream;
    }

    public void handle(RoutingContext ctx, MediaSurface surface) {
        long startNanos = System.nanoTime();
        Instant startTime = Instant.now();
        String requestId = RequestIds.of(ctx);
        String eventId = UsageEventIds.create();
        ResponseHeaders.requestId(ctx.response(), requestId, eventId);
        keyGuard.admit(ctx, surface.callType(), eventId)
                .subscribe()
                .with(
                        caller -> admitted(ctx, surface, caller, startNanos, startTime, eventId, requestId),
                        e -> ApiErrors.write(ctx.response(), CallPipeline.asGatewayException(e)));
    }

    private void admitted(
            RoutingContext ctx,
            MediaSurface surface,
            Caller caller,
            long startNanos,
            Instant startTime,
            String eventId,
            String requestId) {
        HttpServerResponse response = ctx.response();
        CallContext call = null;
        // one config snapshot per call: stored models may swap it at any time
        GatewayConfig config = holder.config();
        try {
            MediaRequest request = surface.read(ctx);
            String requested = request.model() != null ? request.model() : defaultModel(config, surface);
            String group = config.resolve(requested);
            if (group == null) {
                throw GatewayException.notFound(
                        "model '" + requested + "' not found. Available models: "
                                + String.join(", ", config.groups().keySet()),
                        "model",
                        "model_not_found");
            }
            checkKeyAllows(config, caller, requested);
            checkMode(config, surface, requested, ctx.request().path());
            boolean json = request.files().isEmpty();
            SurfaceRequest surfaceRequest = new SurfaceRequest(
                    request.fields(),
                    requested,
                    false,
                    false,
                    request.fields().path("user").asText(null),
                    RequestFields.tags(request.fields(), json, ctx.request()),
                    // form fields are strings: the routing controls are read from JSON bodies only
                    json ? RequestFields.routing(request.fields(), config) : RequestFields.Routing.NONE,
                    Map.of(),
                    0,
                    request::fields);
            call = new CallContext(
                    eventId,
                    requestId,
                    surface.callType(),
                    startTime,
                    startNanos,
                    caller,
                    surfaceRequest,
                    ctx.request().getHeader("x-mpc-end-user"));
            call.reservationUsd = WriteAheadUsage.reservation(ctx.get(KeyGuard.RESERVATION));
            AttemptPlan plan = executor.plan(
                    group,
                    surfaceRequest.routing().retries(),
                    surfaceRequest.routing().fallbacks());
            run(response, surface, call, plan, request);
        } catch (GatewayException e) {
            fail(response, call, e);
        } catch (RuntimeException e) {
            fail(response, call, CallPipeline.internal(e));
        }
    }

    private void run(
            HttpServerResponse response, MediaSurface surface, CallContext call, AttemptPlan plan, MediaRequest r) {
        // bounded by the request's own timeout (LiteLLM's per-request parameter), as chat calls are
        Uni<MediaAnswer> result = executor.bounded(
                executor.attempts(
                        response, call, plan, attempt -> surface.call(upstream, attempt, r), MediaAnswer::tokens),
                call);
        AtomicReference<Cancellable> pending = new AtomicReference<>();
        boolean[] settled = {false};
        response.closeHandler(v -> {
            Cancellable c = pending.get();
            if (c != null) {
                c.cancel();
            }
            if (!settled[0] && call.deployment != null) {
                // the client left while the provider was working: the provider may bill the call, so it is recorded
                settled[0] = true;
                usage.recordPriced(call, Usage.ZERO, null, 499, "client_disconnected", null);
            }
        });
        pending.set(result.subscribe()
                .with(
                        answer -> {
                            if (settled[0]) {
                                if (answer.open() != null) {
                                    answer.open().request().reset();
                                }
                                return;
                            }
                            settled[0] = true;
                            call.upstreamNanos = System.nanoTime() - call.upstreamStartNanos;
                            if (answer.open() != null) {
                                relay(response, call, answer);
                            } else {
                                send(response, call, answer);
                            }
                        },
                        failure -> {
                            if (!settled[0]) {
                                settled[0] = true;
                                fail(response, call, CallPipeline.asGatewayException(failure));
                            }
                        }));
    }

    private BigDecimal cost(CallContext call, MediaAnswer answer) {
        Deployment d = call.deployment;
        return MediaCost.cost(d.modelInfo(), d.upstreamModel(), answer.metered(), answer.usage(), prices);
    }

    private void send(HttpServerResponse response, CallContext call, MediaAnswer answer) {
        Usage tokens = answer.usage() == null ? Usage.ZERO : answer.usage();
        String model = call.deployment.upstreamModel();
        BigDecimal cost = cost(call, answer);
        if (response.closed()) {
            usage.recordPriced(call, tokens, model, 499, "client_disconnected", cost);
            return;
        }
        usage.recordPriced(call, tokens, model, 200, null, cost);
        ResponseHeaders.cost(response, cost);
        ResponseHeaders.timing(response, call, call.upstreamNanos);
        response.putHeader("content-type", answer.contentType());
        response.end(answer.body());
    }

    /** A binary answer (speech): relayed as it arrives, with back-pressure; billed once it ends. */
    private void relay(HttpServerResponse response, CallContext call, MediaAnswer answer) {
        UpstreamHttp.OpenResponse open = answer.open();
        String model = call.deployment.upstreamModel();
        BigDecimal cost = cost(call, answer);
        if (response.closed()) {
            open.request().reset();
            usage.recordPriced(call, Usage.ZERO, model, 499, "client_disconnected", cost);
            return;
        }
        String type = open.response().getHeader("content-type");
        response.putHeader("content-type", type == null ? "application/octet-stream" : type);
        String length = open.response().getHeader("content-length");
        if (length != null) {
            response.putHeader("content-length", length);
        } else {
            response.setChunked(true);
        }
        ResponseHeaders.cost(response, cost);
        ResponseHeaders.timing(response, call, call.upstreamNanos);
        open.response().pipeTo(response).onComplete(ar -> {
            if (ar.succeeded()) {
                usage.recordPriced(call, Usage.ZERO, model, 200, null, cost);
                return;
            }
            // the provider made (and bills) the audio whether or not all of it reached the client
            open.request().reset();
            boolean clientGone = response.closed();
            usage.recordPriced(
                    call,
                    Usage.ZERO,
                    model,
                    clientGone ? 499 : 502,
                    clientGone ? "client_disconnected" : "upstream_stream_broken",
                    cost);
            if (!clientGone) {
                response.reset();
            }
        });
    }

    /** OpenAI lets moderations name no model: the first model group of the endpoint's mode serves them. */
    private static String defaultModel(GatewayConfig config, MediaSurface surface) {
        if (ModelModes.MODERATION.equals(surface.mode())) {
            for (Map.Entry<String, List<Deployment>> g : config.groups().entrySet()) {
                if (g.getValue().stream().anyMatch(d -> surface.mode().equals(ModelModes.of(d, g.getKey())))) {
                    return g.getKey();
                }
            }
        }
        throw GatewayException.badRequest("'model' is required", "model");
    }

    /** JSON bodies were checked at admission; uploads (and a defaulted model) are checked here: key and team. */
    private static void checkKeyAllows(GatewayConfig config, Caller caller, String model) {
        KeyInfo key = caller.key();
        if (key == null) {
            return;
        }
        if (!key.allows(model) && !config.names().keyAllows(key.models(), model)) {
            throw new GatewayException(
                    401,
                    "key_model_access_denied",
                    "key not allowed to access model. This key can only access models=" + key.models()
                            + ". Tried to access " + model,
                    "model",
                    "key_model_access_denied",
                    false);
        }
        KeyInfo.Team team = key.team();
        if (team != null && !team.models().isEmpty() && !config.names().keyAllows(team.models(), model)) {
            throw new GatewayException(
                    401,
                    "team_model_access_denied",
                    "team not allowed to access model. This team can only access models=" + team.models()
                            + ". Tried to access " + model,
                    "model",
                    "team_model_access_denied",
                    false);
        }
    }

    /** A model whose deployments serve another kind of call is a client error naming both. */
    private static void checkMode(GatewayConfig config, MediaSurface surface, String requested, String path) {
        List<Deployment> deployments = config.group(requested);
        if (deployments == null || deployments.isEmpty()) {
            return;
        }
        for (Deployment d : deployments) {
            if (surface.mode().equals(ModelModes.of(d, requested))) {
                return;
            }
        }
        throw wrongMode(requested, deployments.get(0), path, surface.mode());
    }

    static GatewayException wrongMode(String requested, Deployment d, String path, String needed) {
        String mode = ModelModes.of(d, requested);
        return new GatewayException(
                400,
                "invalid_request_error",
                "model '" + requested + "' (" + d.litellmModel() + ") is a " + (mode == null ? ModelModes.CHAT : mode)
                        + " model; " + path + " needs a model of mode " + needed,
                "model",
                "model_mode_mismatch",
                false);
    }

    private void fail(HttpServerResponse response, CallContext call, GatewayException e) {
        if (e.status() >= 500) {
            LOG.warnf("request %s failed: %d %s", call == null ? "-" : call.requestId, e.status(), e.getMessage());
        }
        if (call != null && call.deployment != null) {
            usage.recordPriced(call, Usage.ZERO, null, e.status(), e.type(), null);
        }
        ApiErrors.write(response, e);
    }
}
