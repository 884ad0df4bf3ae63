package com.acme.mpc.gateway.service;

import com.acme.mpc.gateway.api.Caller;
import com.acme.mpc.gateway.cache.CacheControls;
import com.acme.mpc.gateway.cache.ResponseCache;
import com.acme.mpc.gateway.config.ConfigHolder;
import com.acme.mpc.gateway.config.Deployment;
import com.acme.mpc.gateway.config.ModelModes;
import com.acme.mpc.gateway.core.CallType;
import com.acme.mpc.gateway.core.GatewayException;
import com.acme.mpc.gateway.core.Json;
import com.acme.mpc.gateway.core.Usage;
import com.acme.mpc.gateway.keys.KeyGuard;
import com.acme.mpc.gateway.logging.BodyLog;
import com.acme.mpc.gateway.logging.RequestIds;
import com.acme.mpc.gateway.surface.Surface;
import com.acme.mpc.gateway.surface.SurfaceRequest;
import com.acme.mpc.gateway.usage.UsageEventIds;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * The surface-agnostic request path of every model call (OpenAI chat, completions, embeddings, Anthropic messages):
 * admit the caller, let the {@link Surface} parse and validate the body once, look the answer up in the cache, run the
 * attempts through {@link CallExecutor} (routing, retries, fallbacks), relay the answer and record usage. Runs on the
 * event loop and never blocks.
 *
 * <p>Extension points, in request order: {@link #handle} (admission), {@link #handleAdmitted} (parsed body, before
 * routing), {@link #dispatch} (cache miss, before the first attempt), {@link #answer} / {@link #relayStream} (the
 * answer), {@link UsageRecorder} (the usage record of every outcome).
 */
@ApplicationScoped
public class CallPipeline {
    private static final Logger LOG = Logger.getLogger(CallPipeline.class);

    private final ConfigHolder holder;
    private final UsageRecorder usage;
    private final CallExecutor executor;
    private final ResponseCache cache;

    /** keys: authentication and admission of each call, see {@link #handle}. */
    @Inject
    KeyGuard keyGuard;

    /** logging: the debug switch gateway.log.bodies (off: nothing is logged). */
    @Inject
    BodyLog bodies;

    public CallPipeline(ConfigHolder holder, UsageRecorder usage, CallExecutor executor, ResponseCache cache) {
        this.holder = holder;
        this.usage = usage;
        this.executor = executor;
        this.cache = cache;
    }

    public void handle(RoutingContext ctx, Surface<?> surface) {
        long startNanos = System.nanoTime();
        Instant startTime = Instant.now();
        HttpServerResponse response = ctx.response();
        String requestId = RequestIds.of(ctx);
        // the call's own id, never the client's: reused x-request-ids must not merge calls into one billed event
        String eventId = UsageEventIds.create();
        ResponseHeaders.requestId(response, requestId, eventId);
        // keys: authenticate (master key, or virtual key looked up in cost-tracker through a cache) and admit the call
        // (allowed models, rpm/tpm/parallel limits, budget reservation) without blocking; KeyGuard releases the
        // admission when the response ends. Refusals are 401/429/503 in the surface's error shape.
        keyGuard.admit(ctx, surface.callType(), eventId)
                .subscribe()
                .with(
                        caller -> handleAdmitted(ctx, surface, caller, startNanos, startTime, eventId, requestId),
                        e -> surface.writeError(response, asGatewayException(e)));
    }

    private <T> void handleAdmitted(
            RoutingContext ctx,
            Surface<T> surface,
            Caller caller,
            long startNanos,
            Instant startTime,
            String eventId,
            String requestId) {
        HttpServerResponse response = ctx.response();
        CallContext call = null;
        try {
            ObjectNode body = parse(ctx.body().buffer());
            String alias = ctx.get(KeyGuard.MODEL_ALIAS);
            if (alias != null) {
                // the key's alias for this model names another group: the call goes there
                body.put("model", alias);
            }
            bodies.request(requestId, body);
            ctx.put(Caller.CONTEXT_KEY, caller);
            SurfaceRequest request = surface.read(body, ctx);
            // exact model_name, alias, deployment id or wildcard group (config.ModelNames)
            String group = holder.config().resolve(request.modelGroup());
            if (group == null) {
                throw GatewayException.notFound(
                        "model '" + request.modelGroup() + "' not found. Available models: "
                                + String.join(", ", holder.config().groups().keySet()),
                        "model",
                        "model_not_found");
            }
            checkMode(request.modelGroup(), ctx.request().path(), surface);
            call = new CallContext(
                    eventId,
                    requestId,
                    surface.callType(),
                    startTime,
                    startNanos,
                    caller,
                    request,
                    ctx.request().getHeader("x-mpc-end-user"));
            call.reservationUsd = WriteAheadUsage.reservation(ctx.get(KeyGuard.RESERVATION));
            AttemptPlan plan = executor.plan(
                    group, request.routing().retries(), request.routing().fallbacks());
            ResponseCache.Lookup lookup = cache.enabled()
                    ? cache.lookupFor(
                            surface.callType(),
                            group,
                            body,
                            CacheControls.of(body, ctx.request().getHeader("cache-control")))
                    : null;
            if (lookup == null) {
                dispatch(response, surface, call, plan, null);
            } else {
                CallContext c = call;
                cache.get(lookup)
                        .subscribe()
                        .with(
                                hit -> {
                                    if (hit != null) {
                                        serveHit(response, surface, c, hit);
                                    } else {
                                        dispatch(response, surface, c, plan, lookup);
                                    }
                                },
                                t -> dispatch(response, surface, c, plan, lookup));
            }
        } catch (GatewayException e) {
            fail(response, surface, call, e);
        } catch (RuntimeException e) {
            fail(response, surface, call, internal(e));
        }
    }

    /** Sends the request to a provider (through retries and fallbacks); {@code lookup} non-null stores the answer. */
    private <T> void dispatch(
            HttpServerResponse response,
            Surface<T> surface,
            CallContext call,
            AttemptPlan plan,
            ResponseCache.Lookup lookup) {
        try {
            if (lookup != null) {
                ResponseHeaders.cache(response, lookup.controls().noCache() ? "BYPASS" : "MISS");
            }
            if (call.stream) {
                relayStream(response, surface, call, plan, lookup);
            } else {
                answer(response, surface, call, plan, lookup);
            }
        } catch (GatewayException e) {
            fail(response, surface, call, e);
        } catch (RuntimeException e) {
            fail(response, surface, call, internal(e));
        }
    }

    /** A fresh cached answer: no provider call, usage recorded with zero cost and cache_hit. */
    private void serveHit(HttpServerResponse response, Surface<?> surface, CallContext call, ResponseCache.Hit hit) {
        if (response.closed()) {
            return;
        }
        ResponseHeaders.cache(response, "HIT");
        response.putHeader("x-litellm-cache-key", hit.key());
        ObjectNode answer = hit.answer();
        bodies.response(call.requestId, answer);
        Usage u = surface.usage(answer);
        String model = surface.model(answer);
        if (!call.stream) {
            BigDecimal cost = usage.record(call, u, model, 200, null, true);
            ResponseHeaders.cost(response, cost);
            ResponseHeaders.timing(response, call, 0);
            response.putHeader("content-type", "application/json");
            response.end(Buffer.buffer(Json.toBytes(answer)));
            return;
        }
        call.firstTokenNanos = System.nanoTime();
        ResponseHeaders.timing(response, call, 0);
        response.setStatusCode(200);
        response.putHeader("content-type", "text/event-stream");
        response.putHeader("cache-control", "no-cache");
        response.setChunked(true);
        response.end(surface.replay(answer, call.request));
        usage.record(call, u, model, 200, null, true);
    }

    private <T> void answer(
            HttpServerResponse response,
            Surface<T> surface,
            CallContext call,
            AttemptPlan plan,
            ResponseCache.Lookup lookup) {
        Uni<ObjectNode> result = executor.bounded(executor.answer(response, surface, call, plan), call);
        AtomicReference<Cancellable> pending = new AtomicReference<>();
        boolean[] settled = {false};
        response.closeHandler(v -> {
            Cancellable c = pending.get();
            if (c != null) {
                c.cancel();
            }
            if (!settled[0] && call.deployment != null) {
                // the client left while the provider was working: the provider may bill the call, so it is recorded
                // (at the prompt estimate, as a stream whose client leaves) and its write-ahead record settled
                settled[0] = true;
                usage.record(
                        call,
                        new Usage(executor.writeAhead().promptEstimate(call), 0, 0, 0, 0),
                        null,
                        499,
                        "client_disconnected",
                        false);
            }
        });
        pending.set(result.subscribe()
                .with(
                        json -> {
                            if (settled[0]) {
                                return;
                            }
                            settled[0] = true;
                            long upstreamNanos = System.nanoTime() - call.upstreamStartNanos;
                            call.upstreamNanos = upstreamNanos;
                            Usage u = surface.usage(json);
                            if (response.closed()) {
                                usage.record(call, u, surface.model(json), 499, "client_disconnected", false);
                                return;
                            }
                            BigDecimal cost = usage.record(call, u, surface.model(json), 200, null, false);
                            ResponseHeaders.cost(response, cost);
                            ResponseHeaders.timing(response, call, upstreamNanos);
                            bodies.response(call.requestId, json);
                            response.putHeader("content-type", "application/json");
                            response.end(Buffer.buffer(Json.toBytes(json)));
                            cache.put(lookup, json);
                        },
                        failure -> {
                            if (!settled[0]) {
                                settled[0] = true;
                                fail(response, surface, call, asGatewayException(failure));
                            }
                        }));
    }

    private <T> void relayStream(
            HttpServerResponse response,
            Surface<T> surface,
            CallContext call,
            AttemptPlan plan,
            ResponseCache.Lookup lookup) {
        StreamRelay<T> relay = new StreamRelay<>(
                response,
                call,
                usage,
                surface.newStream(call.request),
                call.request.promptTokenEstimate(),
                executor.writeAhead());
        boolean store = lookup != null && !lookup.controls().noStore();
        if (store || bodies.enabled()) {
            relay.whenAssembled(whole -> {
                bodies.response(call.requestId, whole);
                if (store) {
                    cache.put(lookup, whole);
                }
            });
        }
        executor.stream(response, surface, call, plan, relay);
    }

    private void fail(HttpServerResponse response, Surface<?> surface, CallContext call, GatewayException e) {
        if (e.status() >= 500) {
            LOG.warnf("request %s failed: %d %s", call == null ? "-" : call.requestId, e.status(), e.getMessage());
        }
        if (call != null && call.deployment != null) {
            // a call cut off by the request's own timeout may have reached the provider: its prompt is billed
            Usage u = CallExecutor.REQUEST_TIMEOUT.equals(e.code())
                    ? new Usage(executor.writeAhead().promptEstimate(call), 0, 0, 0, 0)
                    : Usage.ZERO;
            usage.record(call, u, null, e.status(), e.type(), false);
        }
        surface.writeError(response, e);
    }

    /** A model that only serves media calls (images, audio, rerank) is a client error on the text endpoints. */
    private void checkMode(String requested, String path, Surface<?> surface) {
        List<Deployment> deployments = holder.config().group(requested);
        if (deployments == null || deployments.isEmpty()) {
            return;
        }
        for (Deployment d : deployments) {
            if (!ModelModes.isMedia(ModelModes.of(d, requested))) {
                return;
            }
        }
        String needed = surface.callType() == CallType.EMBEDDING ? ModelModes.EMBEDDING : ModelModes.CHAT;
        throw MediaPipeline.wrongMode(requested, deployments.get(0), path, needed);
    }

    private static ObjectNode parse(Buffer raw) {
        return Json.clientObject(raw == null ? null : raw.getBytes());
    }

    static GatewayException asGatewayException(Throwable t) {
        return t instanceof GatewayException g ? g : internal(t);
    }

    static GatewayException internal(Throwable t) {
        LOG.error("unexpected failure", t);
        return new GatewayException(500, "api_error", "internal gateway error", null, null, false);
    }
}
