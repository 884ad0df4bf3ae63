package com.acme.mpc.gateway.service;

import com.acme.mpc.gateway.api.ApiErrors;
import com.acme.mpc.gateway.api.Authenticator;
import com.acme.mpc.gateway.api.Caller;
import com.acme.mpc.gateway.api.RequestValidator;
import com.acme.mpc.gateway.cache.CacheControls;
import com.acme.mpc.gateway.cache.ResponseCache;
import com.acme.mpc.gateway.cache.StreamAssembler;
import com.acme.mpc.gateway.config.ConfigHolder;
import com.acme.mpc.gateway.config.Deployment;
import com.acme.mpc.gateway.config.GatewayConfig;
import com.acme.mpc.gateway.core.CallType;
import com.acme.mpc.gateway.core.GatewayException;
import com.acme.mpc.gateway.core.Json;
import com.acme.mpc.gateway.core.Usage;
import com.acme.mpc.gateway.keys.KeyGuard;
import com.acme.mpc.gateway.logging.BodyLog;
import com.acme.mpc.gateway.logging.RequestIds;
import com.acme.mpc.gateway.provider.mock.TokenEstimate;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * The request path of {@code /chat/completions}, {@code /completions} and {@code /embeddings}: authenticate, parse and
 * validate once, pick a deployment, call its adapter, relay the answer, record usage. Runs on the event loop and
 * never blocks.
 */
@ApplicationScoped
public class CompletionHandler {
    private static final Logger LOG = Logger.getLogger(CompletionHandler.class);

    /** Request fields that steer the gateway itself and must not reach a provider. */
    private static final Set<String> GATEWAY_FIELDS = Set.of(
            "cache",
            "metadata",
            "tags",
            "mock_response",
            "num_retries",
            "fallbacks",
            "context_window_fallbacks",
            "content_policy_fallbacks");

    private final GatewayConfig config;
    private final Authenticator authenticator;
    private final UsageRecorder usage;
    private final CallExecutor executor;
    private final ResponseCache cache;

    /** keys (usage/keys engineer): authentication and admission of each call, see {@link #handle}. */
    @Inject
    KeyGuard keyGuard;

    /** logging: the debug switch gateway.log.bodies (off: nothing is logged). */
    @Inject
    BodyLog bodies;

    public CompletionHandler(
            ConfigHolder holder,
            Authenticator authenticator,
            UsageRecorder usage,
            CallExecutor executor,
            ResponseCache cache) {
        this.config = holder.config();
        this.authenticator = authenticator;
        this.usage = usage;
        this.executor = executor;
        this.cache = cache;
    }

    public void handle(RoutingContext ctx, CallType type) {
        long startNanos = System.nanoTime();
        Instant startTime = Instant.now();
        HttpServerResponse response = ctx.response();
        String requestId = requestId(ctx);
        ResponseHeaders.requestId(response, requestId);
        // keys (usage/keys engineer): authenticate (master key, or virtual key looked up in cost-tracker through a
        // cache) and admit the call (allowed models, rpm/tpm/parallel limits, budget reservation) without blocking;
        // KeyGuard releases the admission when the response ends. Refusals are 401/429/503 in OpenAI's shape.
        keyGuard.admit(ctx, type, requestId)
                .subscribe()
                .with(
                        caller -> handle(ctx, type, caller, startNanos, startTime, requestId),
                        e -> ApiErrors.write(response, asGatewayException(e)));
    }

    private void handle(
            RoutingContext ctx, CallType type, Caller caller, long startNanos, Instant startTime, String requestId) {
        HttpServerResponse response = ctx.response();
        CallContext call = null;
        try {
            ObjectNode body = parse(ctx.body().buffer());
            bodies.request(requestId, body);
            RequestValidator.validate(type, body);
            String group = body.get("model").asText();
            List<Deployment> deployments = config.group(group);
            if (deployments == null) {
                throw GatewayException.notFound(
                        "model '" + group + "' not found. Available models: "
                                + String.join(", ", config.groups().keySet()),
                        "model",
                        "model_not_found");
            }
            boolean stream = type != CallType.EMBEDDING && body.path("stream").asBoolean(false);
            call = new CallContext(
                    requestId,
                    type,
                    startTime,
                    startNanos,
                    caller,
                    group,
                    stream,
                    body.path("stream_options").path("include_usage").asBoolean(false),
                    body.path("user").asText(null),
                    ctx.request().getHeader("x-mpc-end-user"),
                    tags(body, ctx));
            AttemptPlan plan = executor.plan(group, requestRetries(body), requestFallbacks(body));
            ResponseCache.Lookup lookup = cache.enabled()
                    ? cache.lookupFor(
                            type,
                            group,
                            body,
                            CacheControls.of(body, ctx.request().getHeader("cache-control")))
                    : null;
            if (lookup == null) {
                dispatch(response, call, plan, body, null);
            } else {
                CallContext c = call;
                cache.get(lookup)
                        .subscribe()
                        .with(
                                hit -> {
                                    if (hit != null) {
                                        serveHit(response, c, hit);
                                    } else {
                                        dispatch(response, c, plan, body, lookup);
                                    }
                                },
                                t -> dispatch(response, c, plan, body, lookup));
            }
        } catch (GatewayException e) {
            fail(response, call, e);
        } catch (RuntimeException e) {
            fail(response, call, internal(e));
        }
    }

    /** Sends the request to a provider (through retries and fallbacks); {@code lookup} non-null stores the answer. */
    private void dispatch(
            HttpServerResponse response,
            CallContext call,
            AttemptPlan plan,
            ObjectNode body,
            ResponseCache.Lookup lookup) {
        try {
            if (lookup != null) {
                ResponseHeaders.cache(response, lookup.controls().noCache() ? "BYPASS" : "MISS");
            }
            if (call.stream) {
                relayStream(response, call, plan, body, lookup);
            } else {
                answer(response, call, plan, body, lookup);
            }
        } catch (GatewayException e) {
            fail(response, call, e);
        } catch (RuntimeException e) {
            fail(response, call, internal(e));
        }
    }

    /** A fresh cached answer: no provider call, usage recorded with zero cost and cache_hit. */
    private void serveHit(HttpServerResponse response, CallContext call, ResponseCache.Hit hit) {
        if (response.closed()) {
            return;
        }
        ResponseHeaders.cache(response, "HIT");
        response.putHeader("x-litellm-cache-key", hit.key());
        ObjectNode answer = hit.answer();
        bodies.response(call.requestId, answer);
        Usage u = Usage.fromOpenAi(answer.get("usage"));
        String model = answer.path("model").asText(null);
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
        Buffer out = Buffer.buffer();
        for (ObjectNode chunk : StreamAssembler.chunks(call.callType, answer, call.clientWantsUsage)) {
            out.appendString("data: ").appendBytes(Json.toBytes(chunk)).appendString("\n\n");
        }
        out.appendString("data: [DONE]\n\n");
        response.end(out);
        usage.record(call, u, model, 200, null, true);
    }

    private void answer(
            HttpServerResponse response,
            CallContext call,
            AttemptPlan plan,
            ObjectNode body,
            ResponseCache.Lookup lookup) {
        Uni<ObjectNode> result = executor.answer(response, call, plan, body);
        AtomicReference<Cancellable> pending = new AtomicReference<>();
        response.closeHandler(v -> {
            Cancellable c = pending.get();
            if (c != null) {
                c.cancel();
            }
        });
        pending.set(result.subscribe()
                .with(
                        json -> {
                            long upstreamNanos = System.nanoTime() - call.upstreamStartNanos;
                            call.upstreamNanos = upstreamNanos;
                            if (response.closed()) {
                                return;
                            }
                            Usage u = Usage.fromOpenAi(json.get("usage"));
                            BigDecimal cost =
                                    usage.record(call, u, json.path("model").asText(null), 200, null, false);
                            ResponseHeaders.cost(response, cost);
                            ResponseHeaders.timing(response, call, upstreamNanos);
                            bodies.response(call.requestId, json);
                            response.putHeader("content-type", "application/json");
                            response.end(Buffer.buffer(Json.toBytes(json)));
                            cache.put(lookup, json);
                        },
                        failure -> fail(response, call, asGatewayException(failure))));
    }

    private void relayStream(
            HttpServerResponse response,
            CallContext call,
            AttemptPlan plan,
            ObjectNode body,
            ResponseCache.Lookup lookup) {
        StreamRelay relay = new StreamRelay(response, call, usage, TokenEstimate.of(TokenEstimate.promptText(body)));
        boolean store = lookup != null && !lookup.controls().noStore();
        if (store || bodies.enabled()) {
            relay.assembleInto(new StreamAssembler(call.callType), whole -> {
                bodies.response(call.requestId, whole);
                if (store) {
                    cache.put(lookup, whole);
                }
            });
        }
        executor.stream(response, call, plan, body, relay);
    }

    /** LiteLLM's per-request {@code num_retries}; null when absent. */
    private static Integer requestRetries(ObjectNode body) {
        JsonNode n = body.get("num_retries");
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.canConvertToInt() || !n.isIntegralNumber() || n.asInt() < 0 || n.asInt() > 10) {
            throw GatewayException.badRequest("num_retries must be an integer from 0 to 10", "num_retries");
        }
        return n.asInt();
    }

    /** LiteLLM's per-request {@code fallbacks}: a list of model groups, tried in order after the requested one. */
    private List<String> requestFallbacks(ObjectNode body) {
        JsonNode n = body.get("fallbacks");
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isArray()) {
            throw GatewayException.badRequest("fallbacks must be a list of model names", "fallbacks");
        }
        List<String> groups = new ArrayList<>();
        for (JsonNode g : n) {
            String name = g.isTextual() ? g.asText() : g.path("model").asText(null);
            if (name == null || config.group(name) == null) {
                throw GatewayException.badRequest(
                        "fallbacks: unknown model '" + (name == null ? g.toString() : name) + "'", "fallbacks");
            }
            groups.add(name);
        }
        return groups;
    }

    private void fail(HttpServerResponse response, CallContext call, GatewayException e) {
        if (e.status() >= 500) {
            LOG.warnf("request %s failed: %d %s", call == null ? "-" : call.requestId, e.status(), e.getMessage());
        }
        if (call != null && call.deployment != null) {
            usage.record(call, Usage.ZERO, null, e.status(), e.type(), false);
        }
        ApiErrors.write(response, e);
    }

    /** The client's body for one deployment: upstream model name, deployment defaults, gateway fields removed. */
    static ObjectNode prepare(ObjectNode body, Deployment d) {
        ObjectNode out = body.deepCopy();
        out.put("model", d.upstreamModel());
        out.remove(GATEWAY_FIELDS);
        d.extraParams().fields().forEachRemaining(e -> {
            if (!out.has(e.getKey())) {
                out.set(e.getKey(), e.getValue());
            }
        });
        if (d.maxTokens() != null && !out.has("max_tokens") && !out.has("max_completion_tokens")) {
            out.put("max_tokens", d.maxTokens());
        }
        return out;
    }

    private static ObjectNode parse(Buffer raw) {
        if (raw == null || raw.length() == 0) {
            throw GatewayException.badRequest("request body is empty; expected a JSON object", null);
        }
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(raw.getBytes());
        } catch (JsonProcessingException e) {
            throw GatewayException.badRequest("invalid JSON body: " + e.getOriginalMessage(), null);
        } catch (IOException e) {
            throw GatewayException.badRequest("unreadable request body", null);
        }
        if (!(node instanceof ObjectNode object)) {
            throw GatewayException.badRequest("request body must be a JSON object", null);
        }
        return object;
    }

    private static List<String> tags(ObjectNode body, RoutingContext ctx) {
        List<String> tags = new ArrayList<>();
        JsonNode metaTags = body.path("metadata").path("tags");
        if (metaTags.isArray()) {
            metaTags.forEach(t -> tags.add(t.asText()));
        }
        JsonNode bodyTags = body.get("tags");
        if (bodyTags != null && bodyTags.isArray()) {
            bodyTags.forEach(t -> tags.add(t.asText()));
        }
        String header = ctx.request().getHeader("x-litellm-tags");
        if (header != null) {
            for (String t : header.split(",")) {
                if (!t.isBlank()) {
                    tags.add(t.trim());
                }
            }
        }
        return tags.isEmpty() ? null : List.copyOf(tags);
    }

    static String requestId(RoutingContext ctx) {
        return RequestIds.of(ctx);
    }

    static GatewayException asGatewayException(Throwable t) {
        return t instanceof GatewayException g ? g : internal(t);
    }

    static GatewayException internal(Throwable t) {
        LOG.error("unexpected failure", t);
        return new GatewayException(500, "api_error", "internal gateway error", null, null, false);
    }
}
