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
import com.acme.mpc.gateway.surface.RequestFields;
import com.acme.mpc.gateway.surface.Surface;
import com.acme.mpc.gateway.tokens.PromptTokenCounter;
import com.acme.mpc.gateway.tokens.TokenizerFamily;
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
import java.util.BitSet;
import java.util.EnumMap;
import java.util.List;
import java.util.function.ToLongFunction;

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

    /** router_settings.enable_pre_call_checks: the prompt's tokens against each deployment's max_input_tokens. */
    @Inject
    PromptTokenCounter tokenCounter;

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
        return attempts(
                response,
                call,
                plan,
                a -> surface.answer(providers.adapterFor(a.deployment()), a),
                json -> tokens(surface, json));
    }

    /** One attempt of a call on the deployment its {@link Attempt} names; resolves to that attempt's answer. */
    interface AttemptCall<R> {
        Uni<R> call(Attempt attempt);
    }

    /**
     * The attempts of a non-streamed call (any answer type: the media endpoints use it too): routing, write-ahead,
     * retries, fallbacks and cooldowns; resolves to the answer of the first attempt that succeeds.
     */
    <R> Uni<R> attempts(
            HttpServerResponse response,
            CallContext call,
            AttemptPlan plan,
            AttemptCall<R> attempt,
            ToLongFunction<R> tokens) {
        long routeStart = tracing.now();
        GatewayException before = beforeRouting(call, plan);
        Uni<DeploymentState> acquired =
                before != null ? Uni.createFrom().failure(before) : router.acquire(plan.group(), plan.tried());
        return acquired.flatMap(state -> {
                    Deployment d = begin(call, plan, state);
                    ResponseHeaders.routing(response, call, plan);
                    GatewayTracing.Attempt traced = traced(call, plan, d, routeStart);
                    long t0 = System.nanoTime();
                    // write-ahead: the dispatch is durable before the provider is called (a no-op when off)
                    return writeAhead
                            .dispatched(call)
                            .flatMap(v -> attempt.call(attempt(call, d)))
                            .onItem()
                            .invoke(answer -> {
                                traced.succeeded();
                                router.succeeded(state, System.nanoTime() - t0, tokens.applyAsLong(answer));
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
                    if (dropRefusedParam(call, e)) {
                        // drop_params: the same request again without the field the provider refused
                        return attempts(response, call, plan, attempt, tokens);
                    }
                    AttemptPlan.Next next = decide(call, plan, e);
                    ResponseHeaders.routing(response, call, plan);
                    return switch (next.kind()) {
                        case FAIL -> Uni.createFrom().failure(e);
                        case FALLBACK -> attempts(response, call, plan, attempt, tokens);
                        case RETRY ->
                            next.delayMillis() <= 0
                                    ? attempts(response, call, plan, attempt, tokens)
                                    : delay(next.delayMillis())
                                            .flatMap(v -> attempts(response, call, plan, attempt, tokens));
                    };
                });
    }

    /**
     * {@code answer} bounded by the request's own {@code timeout} (LiteLLM's per-request parameter), counted from the
     * request's arrival and covering every retry, back-off and fallback: when it runs out the attempt in flight is
     * cancelled and the call fails with 408. The timer runs on the request's event loop.
     */
    <R> Uni<R> bounded(Uni<R> answer, CallContext call) {
        Duration limit = call.request.routing().timeout();
        if (limit == null) {
            return answer;
        }
        long left = remainingMillis(call, limit);
        Uni<R> deadline = Uni.createFrom().emitter(em -> {
            long id = vertx.setTimer(left, t -> em.fail(timedOut(limit)));
            em.onTermination(() -> vertx.cancelTimer(id));
        });
        return Uni.combine().any().of(answer, deadline);
    }

    /** Starts the request's own {@code timeout} for a stream: when it fires, the relay ends the call with 408. */
    private long streamDeadline(CallContext call, StreamRelay<?> relay) {
        Duration limit = call.request.routing().timeout();
        if (limit == null) {
            return -1;
        }
        return vertx.setTimer(remainingMillis(call, limit), t -> relay.expire(timedOut(limit)));
    }

    private static long remainingMillis(CallContext call, Duration limit) {
        long elapsed = (System.nanoTime() - call.startNanos) / 1_000_000;
        return Math.max(1, limit.toMillis() - elapsed);
    }

    /** LiteLLM's {@code litellm.Timeout}: 408, after which nothing is retried. */
    static GatewayException timedOut(Duration limit) {
        return new GatewayException(
                408,
                "timeout",
                "Request timed out: the request's timeout of " + seconds(limit)
                        + " s ran out (it covers retries and fallbacks)",
                "timeout",
                REQUEST_TIMEOUT,
                false);
    }

    /** The code of {@link #timedOut}: the call may have reached a provider, so its prompt is billed. */
    static final String REQUEST_TIMEOUT = "request_timeout";

    private static String seconds(Duration d) {
        return java.math.BigDecimal.valueOf(d.toMillis(), 3)
                .stripTrailingZeros()
                .toPlainString();
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
        Deployment d = forRequest(call, wildcards.serve(state.deployment(), call.modelGroup));
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
        return new Attempt(d, call.request, call.requestId, timeout(d), streamTimeout(d), call.droppedParams);
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
        run.deadline = streamDeadline(call, relay);
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
        /** The request's own timeout (-1: none). */
        private long deadline = -1;

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
            GatewayException before = beforeRouting(call, plan);
            if (before != null) {
                // nothing was picked or started: the relay's retry hook decides (a fallback group, or the error)
                relay.onFailure(before);
                return;
            }
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
            if (dropRefusedParam(call, e)) {
                // drop_params: the same request again without the field the provider refused
                start();
                return true;
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
            if (deadline >= 0) {
                vertx.cancelTimer(deadline);
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

    /**
     * What fails an attempt before a deployment is picked: LiteLLM's {@code mock_testing_fallbacks} (the requested
     * group fails once, not retriable, so its fallbacks run; no deployment is charged with the failure) and the
     * pre-call context-window check. Null when the group may be tried; deployments too small for the prompt are
     * excluded from the plan.
     */
    private GatewayException beforeRouting(CallContext call, AttemptPlan plan) {
        pin(call, plan);
        if (call.mockFailurePending) {
            call.mockFailurePending = false;
            return new GatewayException(
                    500,
                    "api_error",
                    "This is a mock exception for model=" + plan.group()
                            + ", to trigger a fallback (mock_testing_fallbacks)",
                    null,
                    "mock_testing_fallbacks",
                    false);
        }
        return config.router().enablePreCallChecks() ? contextWindowCheck(call, plan) : null;
    }

    /** A request pinned to one deployment of the group (still in it) leaves the group's others out of the plan. */
    private void pin(CallContext call, AttemptPlan plan) {
        String pinned = call.request.pinnedDeployment(plan.group());
        if (pinned == null) {
            return;
        }
        List<Deployment> deployments = router.deployments(plan.group());
        BitSet others = new BitSet();
        boolean present = false;
        for (int i = 0; i < deployments.size(); i++) {
            if (deployments.get(i).id().equals(pinned)) {
                present = true;
            } else {
                others.set(i);
            }
        }
        if (present) {
            plan.exclude(others);
        }
    }

    /**
     * LiteLLM's pre-call check: the prompt's tokens (tiktoken, as LiteLLM counts them) against each deployment's
     * {@code model_info.max_input_tokens}. Deployments too small are skipped; when none fits, a 400
     * {@code context_length_exceeded} (LiteLLM's ContextWindowExceededError), which context_window_fallbacks serve.
     */
    private GatewayException contextWindowCheck(CallContext call, AttemptPlan plan) {
        List<Deployment> deployments = router.deployments(plan.group());
        BitSet tooSmall = new BitSet();
        long largestNeed = 0;
        int largestWindow = 0;
        for (int i = 0; i < deployments.size(); i++) {
            Deployment d = deployments.get(i);
            Integer max = d.modelInfo().maxInputTokens();
            if (max == null) {
                continue;
            }
            long need = promptTokens(call, d);
            if (need > max) {
                tooSmall.set(i);
                largestNeed = Math.max(largestNeed, need);
                largestWindow = Math.max(largestWindow, max);
            }
        }
        if (!deployments.isEmpty() && tooSmall.cardinality() == deployments.size()) {
            return new GatewayException(
                    400,
                    "invalid_request_error",
                    "Context Window exceeded for given call: the prompt has about " + largestNeed + " tokens and no"
                            + " deployment of model '" + plan.group() + "' takes more than " + largestWindow
                            + " input tokens (router_settings.enable_pre_call_checks)",
                    "messages",
                    "context_length_exceeded",
                    false);
        }
        plan.exclude(tooSmall);
        return null;
    }

    private long promptTokens(CallContext call, Deployment d) {
        TokenizerFamily family = TokenizerFamily.of(d.provider(), d.upstreamModel());
        // LiteLLM counts models without a tokenizer of their own with cl100k_base, without a margin
        TokenizerFamily counted = family == TokenizerFamily.O200K ? family : TokenizerFamily.CL100K;
        if (call.preCallTokens == null) {
            call.preCallTokens = new EnumMap<>(TokenizerFamily.class);
        }
        return call.preCallTokens.computeIfAbsent(
                counted,
                f -> tokenCounter.count(
                        call.request.canonical(), call.request.body().toString().length(), f));
    }

    /** At most this many fields are dropped from one request. */
    private static final int MAX_DROPPED_PARAMS = 5;

    /**
     * LiteLLM's {@code drop_params} (the request's own, else {@code litellm_settings.drop_params}): when the provider
     * refused a body field as unsupported, remember to leave it out; true when the request should be sent again.
     * The translating adapters (Anthropic, Gemini, Ollama) already leave out what their API lacks; this covers the
     * OpenAI-compatible providers, which receive every parameter.
     */
    private boolean dropRefusedParam(CallContext call, GatewayException e) {
        Boolean own = call.request.routing().dropParams();
        boolean enabled = own != null ? own : config.dropParams();
        if (!enabled || call.deployment == null || call.droppedParams.size() >= MAX_DROPPED_PARAMS) {
            return false;
        }
        java.util.Set<String> sent = new java.util.LinkedHashSet<>();
        call.request.canonical().fieldNames().forEachRemaining(sent::add);
        call.deployment.extraParams().fieldNames().forEachRemaining(sent::add);
        sent.removeAll(call.droppedParams);
        String field = UnsupportedParams.named(e, sent);
        if (field == null) {
            return false;
        }
        java.util.Set<String> dropped = new java.util.LinkedHashSet<>(call.droppedParams);
        dropped.add(field);
        call.droppedParams = java.util.Set.copyOf(dropped);
        return true;
    }

    /** The deployment as this request uses it: its own mock_response, or its client-side credentials. */
    private static Deployment forRequest(CallContext call, Deployment d) {
        RequestFields.Routing r = call.request.routing();
        if (r.mockResponse() != null) {
            call.mocked = true;
            return d.mocked(r.mockResponse());
        }
        RequestFields.ClientCredentials own = r.clientCredentials();
        if (own == null || d.isMock()) {
            return d;
        }
        return d.serving(
                d.provider(),
                d.upstreamModel(),
                own.apiBase() != null ? own.apiBase() : d.apiBase(),
                own.apiKey() != null ? own.apiKey() : d.apiKey());
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
