package com.acme.mpc.gateway.keys;

import com.acme.mpc.gateway.api.Authenticator;
import com.acme.mpc.gateway.api.Caller;
import com.acme.mpc.gateway.config.ConfigHolder;
import com.acme.mpc.gateway.config.Deployment;
import com.acme.mpc.gateway.config.GatewayConfig;
import com.acme.mpc.gateway.core.CallType;
import com.acme.mpc.gateway.core.GatewayException;
import com.acme.mpc.gateway.core.Json;
import com.acme.mpc.gateway.core.Metered;
import com.acme.mpc.gateway.tokens.PromptTokenCounter;
import com.acme.mpc.gateway.tokens.TokenizerFamily;
import com.acme.mpc.gateway.usage.CostTrackerSettings;
import com.acme.mpc.gateway.usage.MediaCost;
import com.acme.mpc.gateway.usage.MediaPrices;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.EnumMap;
import java.util.List;
import java.util.concurrent.Executor;
import org.jboss.logging.Logger;

/**
 * Admission of a completion call, before any provider is called: authenticates the caller (master key or virtual key)
 * and, for a virtual key, applies its model aliases and enforces its and its team's allowed models (names,
 * wildcards, access groups), rpm/tpm/parallel limits ({@link KeyLimits}, shared by the replicas through Redis when
 * configured) and budget. The
 * budget check reserves an estimate of the call's cost in cost-tracker ({@code POST /internal/keys/{hash}/reservations},
 * serialized per key there), so concurrent calls cannot all pass on the same remaining budget; the reservation is
 * settled by the call's usage event (same request_id). The parallel slot is released when the response ends or the
 * connection closes. Never blocks: completes on the request's event loop.
 */
@ApplicationScoped
public class KeyGuard {
    private static final Logger LOG = Logger.getLogger(KeyGuard.class);
    private static final MediaPrices MEDIA_PRICES = MediaPrices.builtIn();

    /** Routing-context key of the budget reservation (USD, a BigDecimal) admission made for the call. */
    public static final String RESERVATION = "gateway.reservation-usd";

    /** Routing-context key of the model group a key alias sent the call to (the body's model is replaced by it). */
    public static final String MODEL_ALIAS = "gateway.model-alias";

    private final Authenticator authenticator;
    private final KeyLimits limits;
    private final CostTrackerKeysClient costTracker;
    private final ConfigHolder holder;
    private final long defaultCompletionTokens;
    private final BigDecimal minReservation;
    private final PromptTokenCounter tokens;

    public KeyGuard(
            Authenticator authenticator,
            KeyLimits limits,
            CostTrackerKeysClient costTracker,
            ConfigHolder holder,
            CostTrackerSettings settings,
            PromptTokenCounter tokens) {
        this.tokens = tokens;
        this.authenticator = authenticator;
        this.limits = limits;
        this.costTracker = costTracker;
        this.holder = holder;
        this.defaultCompletionTokens = settings.reservationDefaultCompletionTokens();
        this.minReservation = settings.reservationMinUsd();
    }

    /**
     * Authenticates and admits the call; the Uni fails with the GatewayException to answer (401, 429, 503) and emits on
     * the caller's Vert.x context.
     */
    public Uni<Caller> admit(RoutingContext ctx, CallType type, String requestId) {
        Context context = Vertx.currentContext();
        Uni<Caller> authenticated = authenticator.authenticateAsync(ctx.request());
        if (context != null) {
            // a shared key lookup may complete on another event loop: admission touches the routing context
            authenticated = authenticated.emitOn(on(context));
        }
        Uni<Caller> admitted = authenticated
                .onItem()
                .transformToUni(caller ->
                        caller.key() == null ? Uni.createFrom().item(caller) : admitKey(ctx, type, requestId, caller));
        return context == null ? admitted : admitted.emitOn(on(context));
    }

    private Uni<Caller> admitKey(RoutingContext ctx, CallType type, String requestId, Caller caller) {
        KeyInfo key = caller.key();
        Buffer raw = ctx.body() == null ? null : ctx.body().buffer();
        Scan scan = Scan.of(raw, type == CallType.SPEECH);
        GatewayConfig config = holder.config();
        // the key's model aliases (LiteLLM's `aliases`): the call goes to the group the alias names
        String model = key.aliased(scan.model);
        if (model != null && !model.equals(scan.model)) {
            ctx.put(MODEL_ALIAS, model);
        }
        if (model != null && !key.allows(model) && !config.names().keyAllows(key.models(), model)) {
            throw new GatewayException(
                    401,
                    "key_model_access_denied",
                    "key not allowed to access model. This key can only access models=" + key.models()
                            + ". Tried to access " + scan.model,
                    "model",
                    "key_model_access_denied",
                    false);
        }
        KeyInfo.Team team = key.team();
        if (model != null
                && team != null
                && !team.models().isEmpty()
                && !config.names().keyAllows(team.models(), model)) {
            throw new GatewayException(
                    401,
                    "team_model_access_denied",
                    "team not allowed to access model. This team can only access models=" + team.models()
                            + ". Tried to access " + scan.model,
                    "model",
                    "team_model_access_denied",
                    false);
        }
        Context context = Vertx.currentContext();
        Uni<KeyLimits.Slot> slot = limits.admitShared(key);
        if (context != null) {
            // a Redis answer may complete off the request's event loop: the rest touches the routing context
            slot = slot.emitOn(on(context));
        }
        return slot.onItem().transformToUni(s -> {
            if (ctx.response().ended() || ctx.response().closed()) {
                s.release(); // the client went away while the limits were checked: no end handler would run
            } else {
                ctx.addEndHandler(ar -> s.release());
            }
            return reserve(ctx, type, requestId, caller, scan, raw);
        });
    }

    private Uni<Caller> reserve(
            RoutingContext ctx, CallType type, String requestId, Caller caller, Scan scan, Buffer raw) {
        KeyInfo key = caller.key();
        List<Deployment> deployments =
                scan.model == null ? null : holder.config().group(scan.model);
        if ((key.maxBudget() == null && !key.budgetedLevels()) || (scan.model != null && deployments == null)) {
            // no budget on the key nor above it, or an unknown model group (answered 404 without a provider call)
            return Uni.createFrom().item(caller);
        }
        BigDecimal amount = estimate(type, scan, raw, deployments);
        // the call's end user, as the usage record will name it: mpc-api's app header, else the request's `user`
        String header = ctx.request().getHeader("x-mpc-end-user");
        String endUser = header != null && !header.isBlank() ? header : scan.user;
        return costTracker.reserve(key.keyHash(), requestId, amount, endUser).map(r -> {
            if (r.granted()) {
                ctx.put(RESERVATION, amount);
                ctx.addEndHandler(ar -> releaseIfFailed(ctx, key, requestId));
                return caller;
            }
            throw BudgetRefusal.of(r, key.label());
        });
    }

    /**
     * A call answered with an error status (invalid body, unknown model, provider error before any byte) costs
     * nothing, and may never produce a usage event that settles its reservation: its reservation is set to 0 at once
     * (re-reserving a request_id replaces its amount) instead of holding the key's budget until it expires.
     */
    private void releaseIfFailed(RoutingContext ctx, KeyInfo key, String requestId) {
        if (ctx.response().getStatusCode() < 400) {
            return;
        }
        costTracker
                .reserve(key.keyHash(), requestId, BigDecimal.ZERO, null)
                .subscribe()
                .with(
                        r -> {},
                        t -> LOG.debugf(
                                "could not release the reservation of %s for key %s: %s",
                                requestId, key.label(), t.getMessage()));
    }

    /**
     * The most the call may cost: its prompt tokens counted with the tokenizer of each deployment's model family
     * ({@link PromptTokenCounter}) times the input price, plus max_tokens (else the configured default) times n times
     * the output price; for a media call also what its units will cost, known before the call (n images at the asked
     * size and quality, the characters of the text to speak, one rerank search unit), at the prices usage is billed
     * at ({@link MediaCost}). The dearest deployment of the group counts; at least the configured minimum (also what a
     * group without prices reserves, and what an upload, whose length in seconds is unknown, reserves).
     */
    BigDecimal estimate(CallType type, Scan scan, Buffer raw, List<Deployment> deployments) {
        long completionTokens = type == CallType.EMBEDDING
                ? 0
                : (scan.maxTokens != null ? scan.maxTokens : defaultCompletionTokens) * Math.max(1, scan.n);
        Metered units = expectedUnits(type, scan);
        BigDecimal best = BigDecimal.ZERO;
        if (deployments != null) {
            JsonNode body = tokens.ready() ? tree(raw) : null;
            EnumMap<TokenizerFamily, Long> promptTokens = new EnumMap<>(TokenizerFamily.class);
            for (Deployment d : deployments) {
                BigDecimal in = d.modelInfo().inputCostPerToken();
                BigDecimal out = d.modelInfo().outputCostPerToken();
                BigDecimal cost = BigDecimal.ZERO;
                if (in != null || out != null) {
                    long prompt = in == null
                            ? 0
                            : promptTokens.computeIfAbsent(
                                    TokenizerFamily.of(d.provider(), d.upstreamModel()),
                                    f -> tokens.count(body, scan.bodyBytes, f));
                    cost = (in == null ? BigDecimal.ZERO : in.multiply(BigDecimal.valueOf(prompt)))
                            .add(out == null ? BigDecimal.ZERO : out.multiply(BigDecimal.valueOf(completionTokens)));
                }
                if (units != Metered.NONE) {
                    BigDecimal media = MediaCost.cost(d.modelInfo(), d.upstreamModel(), units, null, MEDIA_PRICES);
                    if (media != null && media.compareTo(cost) > 0) {
                        cost = media;
                    }
                }
                if (cost.compareTo(best) > 0) {
                    best = cost;
                }
            }
        }
        return best.max(minReservation).setScale(10, RoundingMode.UP).stripTrailingZeros();
    }

    /** The billed units of a media call that its JSON body already tells; NONE for other calls and uploads. */
    static Metered expectedUnits(CallType type, Scan scan) {
        return switch (type) {
            case IMAGE_GENERATION -> Metered.images(Math.max(1, scan.n), scan.quality, scan.size);
            case SPEECH -> scan.inputCharacters > 0 ? Metered.characters(scan.inputCharacters) : Metered.NONE;
            case RERANK -> Metered.queries(1);
            default -> Metered.NONE;
        };
    }

    private static JsonNode tree(Buffer raw) {
        try {
            return raw == null || raw.length() == 0 ? null : Json.MAPPER.readTree(raw.getBytes());
        } catch (IOException | RuntimeException e) {
            return null; // not JSON: answered 400 by the completion handler, the estimate does not matter
        }
    }

    private static Executor on(Context context) {
        return command -> {
            if (Vertx.currentContext() == context) {
                command.run();
            } else {
                context.runOnContext(v -> command.run());
            }
        };
    }

    /** The few top-level request fields admission needs, read without building a JSON tree. */
    record Scan(
            String model,
            Long maxTokens,
            int n,
            long bodyBytes,
            String user,
            String size,
            String quality,
            long inputCharacters) {
        /**
         * @param speechInput whether to count the characters of a string {@code input} (only speech is priced by them;
         *     other calls skip what may be a large embedding or Responses input without reading it into a String)
         */
        static Scan of(Buffer raw, boolean speechInput) {
            if (raw == null || raw.length() == 0) {
                return new Scan(null, null, 1, 0, null, null, null, 0);
            }
            String model = null;
            String user = null;
            String size = null;
            String quality = null;
            long inputCharacters = 0;
            Long maxTokens = null;
            int n = 1;
            try (JsonParser p = Json.MAPPER.getFactory().createParser(raw.getBytes())) {
                if (p.nextToken() != JsonToken.START_OBJECT) {
                    return new Scan(null, null, 1, raw.length(), null, null, null, 0);
                }
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    JsonToken v = p.nextToken();
                    switch (field) {
                        case "model" -> model = v == JsonToken.VALUE_STRING ? p.getText() : null;
                        case "user" -> user = v == JsonToken.VALUE_STRING ? p.getText() : null;
                        case "size" -> size = v == JsonToken.VALUE_STRING ? p.getText() : null;
                        case "quality" -> quality = v == JsonToken.VALUE_STRING ? p.getText() : null;
                        case "input" -> {
                            if (speechInput && v == JsonToken.VALUE_STRING) {
                                String text = p.getText();
                                inputCharacters = text.codePointCount(0, text.length());
                            } else {
                                p.skipChildren();
                            }
                        }
                        case "max_tokens", "max_completion_tokens", "max_output_tokens" -> {
                            if (v == JsonToken.VALUE_NUMBER_INT && p.getLongValue() > 0) {
                                maxTokens =
                                        maxTokens == null ? p.getLongValue() : Math.max(maxTokens, p.getLongValue());
                            }
                        }
                        case "n" -> {
                            if (v == JsonToken.VALUE_NUMBER_INT && p.getIntValue() > 0) {
                                n = Math.min(p.getIntValue(), 128);
                            }
                        }
                        default -> p.skipChildren();
                    }
                }
            } catch (IOException | RuntimeException e) {
                // not valid JSON: the completion handler answers 400 for it
            }
            return new Scan(model, maxTokens, n, raw.length(), user, size, quality, inputCharacters);
        }
    }
}
