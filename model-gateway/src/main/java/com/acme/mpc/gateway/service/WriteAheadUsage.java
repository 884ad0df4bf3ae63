package com.acme.mpc.gateway.service;

import com.acme.mpc.gateway.core.CallType;
import com.acme.mpc.gateway.core.Json;
import com.acme.mpc.gateway.provider.mock.TokenEstimate;
import com.acme.mpc.gateway.tokens.PromptTokenCounter;
import com.acme.mpc.gateway.tokens.TokenizerFamily;
import com.acme.mpc.gateway.usage.UsageDelivery;
import com.acme.mpc.gateway.usage.UsageEventJson;
import com.acme.mpc.gateway.usage.WriteAheadJournal;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * The request path's side of write-ahead usage: before each attempt is dispatched to a provider, the call's
 * {@code dispatched} record (event id, key, model group, deployment, prompt-token estimate, budget reservation, call
 * type, surface, as the usage event it would be billed with) must be durable in the {@link WriteAheadJournal}; streams
 * note their relayed completion tokens now and then. Without a journal (write-ahead off, or usage only logged) every
 * step is a no-op.
 */
@ApplicationScoped
public class WriteAheadUsage {
    private static final Logger LOG = Logger.getLogger(WriteAheadUsage.class);

    private final UsageDelivery delivery;
    private final UsageRecorder recorder;
    private final PromptTokenCounter tokens;
    private final long progressIntervalNanos;
    private final AtomicLong lastFailureLog = new AtomicLong();

    public WriteAheadUsage(UsageDelivery delivery, UsageRecorder recorder, PromptTokenCounter tokens) {
        this.tokens = tokens;
        this.delivery = delivery;
        this.recorder = recorder;
        this.progressIntervalNanos =
                delivery.writeAheadSettings().progressInterval().toNanos();
    }

    public boolean enabled() {
        return delivery.journal() != null;
    }

    /**
     * Completes, on the caller's Vert.x context, once the call's dispatch on {@code call.deployment} is durable. A
     * journal that cannot be written does not stop the call (the spool, on the same disk, reports its own failures
     * through readiness): the call goes on without the crash-time guarantee, and the failure is logged.
     */
    Uni<Void> dispatched(CallContext call) {
        WriteAheadJournal journal = delivery.journal();
        if (journal == null) {
            return Uni.createFrom().voidItem();
        }
        long estimate = promptEstimate(call);
        ObjectNode record = Json.MAPPER.createObjectNode();
        record.set("event", UsageEventJson.of(recorder.dispatched(call, estimate)));
        record.put("prompt_token_estimate", estimate);
        if (call.reservationUsd == null) {
            record.putNull("reservation_usd");
        } else {
            record.put("reservation_usd", call.reservationUsd.toPlainString());
        }
        record.put("surface", call.callType == CallType.ANTHROPIC_MESSAGES ? "anthropic" : "openai");
        Context context = Vertx.currentContext();
        Uni<Void> durable = Uni.createFrom()
                .completionStage(journal.dispatched(call.eventId, record))
                .onFailure()
                .recoverWithItem(t -> {
                    logFailure(call, t);
                    return null;
                });
        return context == null
                ? durable
                : durable.emitOn(command -> {
                    if (Vertx.currentContext() == context) {
                        command.run();
                    } else {
                        context.runOnContext(v -> command.run());
                    }
                });
    }

    /**
     * The prompt tokens the call is billed for if the gateway dies before it completes: counted with the tokenizer of
     * the deployment's model family (as budget reservations are), else about 4 characters a token, never less than the
     * stream's own estimate. Once per call (a retry keeps it); also what a call its client left is billed at.
     */
    long promptEstimate(CallContext call) {
        if (call.dispatchEstimate >= 0) {
            return call.dispatchEstimate;
        }
        ObjectNode body = call.request.canonical();
        long counted = tokens.ready()
                ? tokens.count(body, 0, TokenizerFamily.of(call.deployment.provider(), call.deployment.upstreamModel()))
                : TokenEstimate.of(TokenEstimate.promptText(body));
        call.dispatchEstimate = Math.max(counted, call.request.promptTokenEstimate());
        return call.dispatchEstimate;
    }

    /** True when a stream whose last progress note was at {@code lastNanos} (0: none yet) should note it again. */
    boolean progressDue(long lastNanos) {
        return delivery.journal() != null && (lastNanos == 0 || System.nanoTime() - lastNanos >= progressIntervalNanos);
    }

    /** Notes the completion tokens a stream has relayed so far (no wait, no force of its own). */
    void progress(CallContext call, long completionTokens) {
        WriteAheadJournal journal = delivery.journal();
        if (journal != null) {
            journal.progress(call.eventId, completionTokens);
        }
    }

    private void logFailure(CallContext call, Throwable t) {
        long now = System.nanoTime();
        long last = lastFailureLog.get();
        if (now - last > TimeUnit.SECONDS.toNanos(10) && lastFailureLog.compareAndSet(last, now)) {
            LOG.errorf(
                    "write-ahead journal not written (call %s dispatched without it: not billed if the gateway dies"
                            + " before it completes): %s",
                    call.eventId, t.getMessage());
        }
    }

    /** For {@link CallContext}: the reservation amount KeyGuard left in the routing context, if any. */
    static BigDecimal reservation(Object value) {
        return value instanceof BigDecimal b ? b : null;
    }
}
