package com.acme.mpc.gateway.service;

import com.acme.mpc.gateway.config.ConfigHolder;
import com.acme.mpc.gateway.config.Deployment;
import com.acme.mpc.gateway.config.GatewayConfig;
import com.acme.mpc.gateway.config.GatewaySettings;
import com.acme.mpc.gateway.core.GatewayException;
import com.acme.mpc.gateway.core.Usage;
import com.acme.mpc.gateway.metrics.RouterMetrics;
import com.acme.mpc.gateway.provider.ProviderAdapter;
import com.acme.mpc.gateway.provider.ProviderRegistry;
import com.acme.mpc.gateway.routing.DeploymentState;
import com.acme.mpc.gateway.routing.Router;
import com.acme.mpc.gateway.routing.WildcardDeployments;
import com.acme.mpc.gateway.surface.Attempt;
import com.acme.mpc.gateway.surface.Surface;
import com.acme.mpc.gateway.tracing.GatewayTracing;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;

/**
 * Runs the attempts of one request: pick a deployment (avoiding the ones this request already tried), let the request's
 * {@link Surface} call it (pass-through or through its provider adapter), and on failure let the {@link AttemptPlan} decide between a retry (after a Vert.x timer, never a blocking
 * sleep), a fallback group, or giving up. Feeds every outcome to the {@link Router} (latency, tokens, cooldowns).
 * Streams may retry or fall back only while nothing has reached the client.
 */
@ApplicationScoped
public class CallExecutor {
    private final GatewayConfig config;
    private final GatewaySettings settings;
    private final ProviderRegistry providers;
    private final Router router;
    private final Vertx vertx;
    private final RouterMetrics metrics;
    private final WriteAheadUsage writeAhead;

    /** tracing: a gateway.route and a gateway.upstream span per attempt (no-ops while tracing is off). */
    @Inject
    GatewayTracing tracing;

    /** config-dropin: concrete deployments of wildcard groups ({@code openai/*}, {@code *}). */
    @Inject
    WildcardDeployments wildcards;

    public CallExecutor(
            ConfigHolder holder,
            GatewaySettings settings,
            ProviderRegistry providers,
            Router router,
            Vertx vertx,
            RouterMetrics metrics,
            WriteAheadUsage writeAhead) {
        this.writeAhead = writeAhead;
        this.config = holder.config();
        this.settings = settings;
        this.providers = providers;
        this.router = router;
        this.vertx = vertx;
        this.metrics = metrics;
    }

    /** Records a failed attempt with the router and counts a resulting cooldown. */
    private void failed(DeploymentState state, GatewayException e) {
        if (router.failed(state, e)) {
            metrics.cooldown(state.deployment());
        }
    }

    /** The plan's decision after a failure, counted as retries and fallbacks per model group. */
    private AttemptPlan.Next decide(CallContext call, AttemptPlan plan, GatewayException e) {
        String group = plan.group();
        AttemptPlan.Next next = plan.after(e);
        if (next.kind() == AttemptPlan.Next.Kind.RETRY) {
            metrics.retry(group);
        } else if (next.kind() == AttemptPlan.Next.Kind.FALLBACK) {
            metrics.fallback(call.modelGroup, plan.group());
        }
        return next;
    }

    WriteAheadUsage writeAhead() {
        return writeAhead;
    }

    AttemptPlan plan(String group, Integer requestRetries, List<String> requestFallbacks) {
        return new AttemptPlan(config.router(), group, requestRetries, requestFallbacks, router::hasUntried);
    }

    // ---- non-streamed ----

    /** Resolves to the provider's answer of the first attempt that succeeds; headers are set on {@code response}. */
    <T> Uni<ObjectNode> answer(HttpServerResponse response, Surface<T> surface, CallContext call, AttemptPlan plan) {
        long routeStart = tracing.now();
        return router.acquire(plan.group(), plan.tried())
                .flatMap(state -> {
                    Deployment d = begin(call, plan, state);
                    ResponseHeaders.routing(response, call, plan);
                    GatewayTracing.Attempt traced = traced(call, plan, d, routeStart);
                    long t0 = System.nanoTime();
                    // write-ahead: the dispatch is durable before the provider is called (a no-op when off)
                    return writeAhead
                            .dispatched(call)
                            .flatMap(v -> surface.answer(providers.adapterFor(d), attempt(call, d)))
                            .onItem()
                            .invoke(json -> {
                                traced.succeeded();
                                router.succeeded(state, System.nanoTime() - t0, tokens(surface, json));
                            })
                            .onFailure()
                            .invoke(t -> {
                                GatewayException e = CallPipeline.asGatewayException(t);
                                traced.failed(e);
                                failed(state, e);
                            })
                            .onCancellation()
                            .invoke(() -> {
                                traced.abandoned();
                                router.released(state);
                            });
                })
                .onFailure()
                .recoverWithUni(t -> {
                    GatewayException e = CallPipeline.asGatewayException(t);
                    AttemptPlan.Next next = decide(call, plan, e);
                    ResponseHeaders.routing(response, call, plan);
                    return switch (next.kind()) {
                        case FAIL -> Uni.createFrom().failure(e);
                        case FALLBACK -> answer(response, surface, call, plan);
                        case RETRY ->
                            next.delayMillis() <= 0
                                    ? answer(response, surface, call, plan)
                                    : delay(next.delayMillis()).flatMap(v -> answer(response, surface, call, plan));
                    };
                });
    }

    /** A back-off on a Vert.x timer: the next attempt starts on the event loop again; cancelling stops the timer. */
    private Uni<Void> delay(long millis) {
        return Uni.createFrom().emitter(em -> {
            long id = vertx.setTimer(millis, t -> em.complete(null));
            em.onTermination(() -> vertx.cancelTimer(id));
        });
    }

    private Deployment begin(CallContext call, AttemptPlan plan, DeploymentState state) {
        // a wildcard deployment serves the concrete model the client asked for
        Deployment d = wildcards.serve(state.deployment(), call.modelGroup);
        plan.started(router.indexIn(plan.group(), state));
        call.deployment = d;
        router.started(state);
        if (call.upstreamStartNanos == 0) {
            call.upstreamStartNanos = System.nanoTime();
            call.preUpstreamNanos = call.upstreamStartNanos - call.startNanos;
        }
        return d;
    }

    private GatewayTracing.Attempt traced(CallContext call, AttemptPlan plan, Deployment d, long routeStart) {
        if (!tracing.enabled()) {
            return GatewayTracing.Attempt.NONE;
        }
        return tracing.attempt(
                call.modelGroup, plan.group(), d, plan.attempts(), plan.retries(), plan.fellBack(), routeStart);
    }

    private Attempt attempt(CallContext call, Deployment d) {
        return new Attempt(d, call.request, call.requestId, timeout(d), streamTimeout(d));
    }

    private static long tokens(Surface<?> surface, ObjectNode json) {
        Usage u = surface.usage(json);
        return u == null ? 0 : u.totalTokens();
    }

    // ---- streamed ----

    /** Starts the stream of one request; {@code relay} writes to the client and calls back on each attempt's end. */
    <T> void stream(
            HttpServerResponse response, Surface<T> surface, CallContext call, AttemptPlan plan, StreamRelay<T> relay) {
        StreamRun<T> run = new StreamRun<>(response, surface, call, plan, relay);
        relay.hooks(run);
        relay.listenForDisconnect();
        run.start();
    }

    /** The attempts of one streamed request. Runs on the request's event loop. */
    private final class StreamRun<T> implements StreamRelay.Hooks {
        private final HttpServerResponse response;
        private final Surface<T> surface;
        private final CallContext call;
        private final AttemptPlan plan;
        private final StreamRelay<T> relay;
        private DeploymentState state;
        private long attemptStart;
        private long timer = -1;
        private Cancellable acquiring;
        private long routeStart;
        private GatewayTracing.Attempt traced = GatewayTracing.Attempt.NONE;

        StreamRun(
                HttpServerResponse response,
                Surface<T> surface,
                CallContext call,
                AttemptPlan plan,
                StreamRelay<T> relay) {
            this.response = response;
            this.surface = surface;
            this.call = call;
            this.plan = plan;
            this.relay = relay;
        }

        void start() {
            timer = -1;
            if (relay.isFinished()) {
                return;
            }
            routeStart = tracing.now();
            acquiring = router.acquire(plan.group(), plan.tried())
                    .subscribe()
                    .with(this::run, t -> relay.onFailure(CallPipeline.asGatewayException(t)));
        }

        private void run(DeploymentState s) {
            if (relay.isFinished()) {
                return;
            }
            Deployment d;
            try {
                d = begin(call, plan, s);
            } catch (GatewayException e) {
                // a wildcard the requested name cannot fill: nothing started on the deployment
                relay.onFailure(e);
                return;
            }
            state = s;
            ResponseHeaders.routing(response, call, plan);
            traced = traced(call, plan, d, routeStart);
            if (!writeAhead.enabled()) {
                dispatch(d);
                return;
            }
            // write-ahead: the dispatch is durable before the provider is called
            acquiring = writeAhead.dispatched(call).subscribe().with(v -> {
                if (relay.isFinished()) {
                    // the client left while the record was written: KeyGuard/finished released the deployment
                    return;
                }
                dispatch(d);
            });
        }

        private void dispatch(Deployment d) {
            attemptStart = System.nanoTime();
            Multi<T> items;
            try {
                ProviderAdapter adapter = providers.adapterFor(d);
                items = surface.stream(adapter, attempt(call, d));
            } catch (RuntimeException e) {
                relay.onFailure(e instanceof GatewayException g ? g : CallPipeline.internal(e));
                return;
            }
            relay.attach(items.subscribe().with(relay::onItem, relay::onFailure, relay::onComplete));
        }

        @Override
        public boolean retry(GatewayException e) {
            traced.failed(e);
            if (state != null) {
                failed(state, e);
                state = null;
            }
            AttemptPlan.Next next = decide(call, plan, e);
            ResponseHeaders.routing(response, call, plan);
            switch (next.kind()) {
                case FAIL -> {
                    return false;
                }
                case FALLBACK -> start();
                case RETRY -> {
                    if (next.delayMillis() <= 0) {
                        start();
                    } else {
                        timer = vertx.setTimer(next.delayMillis(), id -> start());
                    }
                }
            }
            return true;
        }

        @Override
        public void writeError(GatewayException e) {
            surface.writeError(response, e);
        }

        @Override
        public void finished(Usage usage, GatewayException failure, boolean clientGone) {
            if (clientGone) {
                traced.abandoned();
            } else if (failure != null) {
                traced.failed(failure);
            } else {
                traced.succeeded();
            }
            if (timer >= 0) {
                vertx.cancelTimer(timer);
            }
            if (acquiring != null && clientGone) {
                acquiring.cancel();
            }
            DeploymentState s = state;
            state = null;
            if (s == null) {
                return;
            }
            if (clientGone) {
                router.released(s);
            } else if (failure != null) {
                failed(s, failure);
            } else {
                long firstChunk = call.firstTokenNanos > 0 ? call.firstTokenNanos : System.nanoTime();
                router.succeeded(s, firstChunk - attemptStart, usage == null ? 0 : usage.totalTokens());
            }
        }
    }

    private Duration timeout(Deployment d) {
        if (d.timeout() != null) {
            return d.timeout();
        }
        return config.router().timeout() != null ? config.router().timeout() : settings.defaultTimeout();
    }

    private Duration streamTimeout(Deployment d) {
        if (d.streamTimeout() != null) {
            return d.streamTimeout();
        }
        return config.router().streamTimeout() != null
                ? config.router().streamTimeout()
                : settings.defaultStreamTimeout();
    }
}
