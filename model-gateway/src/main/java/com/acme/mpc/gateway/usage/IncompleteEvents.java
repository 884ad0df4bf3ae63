package com.acme.mpc.gateway.usage;

import com.acme.mpc.gateway.core.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;

/**
 * The usage event of a call the gateway dispatched and never completed (it was killed or crashed): the event its
 * {@code dispatched} journal record carried, billed at what the journal knew. Prompt tokens are the dispatch-time
 * estimate (the tokenizer's count where the model family has one), completion tokens those a stream had relayed by
 * its last progress record (0 for a JSON call: nothing of its answer was known). Marked {@code incomplete}, with
 * {@code status} failure and no {@code http_status} (what the client saw is unknown); cost-tracker replaces it with
 * the call's completed event should that arrive later (same {@code request_id}).
 */
public final class IncompleteEvents {
    /** The error_type of an incomplete event. */
    public static final String ERROR_TYPE = "gateway_stopped";

    private IncompleteEvents() {}

    public static ObjectNode of(WriteAheadJournal.Open open) {
        ObjectNode event = ((ObjectNode) open.dispatched().path("event")).deepCopy();
        event.put("request_id", open.eventId());
        long prompt = Math.max(
                event.path("prompt_tokens").asLong(0),
                open.dispatched().path("prompt_token_estimate").asLong(0));
        long completion = Math.max(event.path("completion_tokens").asLong(0), open.completionTokens());
        event.put("prompt_tokens", prompt);
        event.put("completion_tokens", completion);
        // the cache and reasoning parts are unknown: none claimed
        event.put("cached_read_tokens", 0);
        event.put("cache_creation_tokens", 0);
        event.put("reasoning_tokens", 0);
        Instant start = Instant.parse(event.path("start_time").asText());
        Instant end = open.lastSeen() == null || open.lastSeen().isBefore(start) ? start : open.lastSeen();
        event.put("end_time", end.toString());
        event.put("latency_ms", Duration.between(start, end).toMillis());
        JsonNode firstToken = event.get("first_token_time");
        if (firstToken != null
                && firstToken.isTextual()
                && Instant.parse(firstToken.asText()).isAfter(end)) {
            event.putNull("first_token_time");
            event.putNull("ttft_ms");
        }
        BigDecimal in = decimal(event.get("input_cost_per_token"));
        BigDecimal out = decimal(event.get("output_cost_per_token"));
        if (in == null && out == null) {
            event.putNull("cost_usd");
        } else {
            BigDecimal cost = (in == null ? BigDecimal.ZERO : in.multiply(BigDecimal.valueOf(prompt)))
                    .add(out == null ? BigDecimal.ZERO : out.multiply(BigDecimal.valueOf(completion)));
            event.put("cost_usd", cost.stripTrailingZeros().toPlainString());
        }
        event.put("status", "failure");
        event.putNull("http_status");
        event.put("error_type", ERROR_TYPE);
        event.put("incomplete", true);
        return event;
    }

    public static byte[] line(WriteAheadJournal.Open open) {
        return Json.toBytes(of(open));
    }

    private static BigDecimal decimal(JsonNode n) {
        if (n == null || n.isNull()) {
            return null;
        }
        try {
            return new BigDecimal(n.asText());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
