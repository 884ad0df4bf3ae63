package com.acme.mpc.gateway.usage;

import com.acme.mpc.gateway.core.Json;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Instant;

/** A usage record as one event of {@code POST /usage/events} (docs/contracts.md), serialized on one line. */
public final class UsageEventJson {
    private UsageEventJson() {}

    public static ObjectNode of(UsageRecord r) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("request_id", r.eventId());
        o.put("client_request_id", r.clientRequestId());
        o.put("call_type", r.callType());
        o.put("start_time", ts(r.startTime()));
        o.put("first_token_time", ts(r.firstTokenTime()));
        o.put("end_time", ts(r.endTime()));
        o.put("key_hash", r.keyHash());
        o.put("key_alias", r.keyAlias());
        o.put("user", r.user());
        o.put("team_id", r.teamId());
        o.put("end_user", r.endUser());
        if (r.tags() == null) {
            o.putNull("tags");
        } else {
            ArrayNode tags = o.putArray("tags");
            r.tags().forEach(tags::add);
        }
        o.put("model_group", r.modelGroup());
        o.put("model", r.model());
        o.put("deployment_id", r.deploymentId());
        o.put("provider", r.provider());
        o.put("api_base_host", r.apiBaseHost());
        o.put("prompt_tokens", r.promptTokens());
        o.put("completion_tokens", r.completionTokens());
        o.put("cached_read_tokens", r.cachedReadTokens());
        o.put("cache_creation_tokens", r.cacheCreationTokens());
        o.put("reasoning_tokens", r.reasoningTokens());
        o.put("input_cost_per_token", dec(r.inputCostPerToken()));
        o.put("output_cost_per_token", dec(r.outputCostPerToken()));
        o.put("cost_usd", dec(r.costUsd()));
        o.put("latency_ms", r.latencyMs());
        o.put("ttft_ms", r.ttftMs());
        o.put("status", r.status());
        o.put("http_status", r.httpStatus());
        o.put("error_type", r.errorType());
        o.put("cache_hit", r.cacheHit());
        o.put("stream", r.stream());
        return o;
    }

    /** One line of UTF-8 JSON (Jackson escapes control characters, so the bytes hold no newline). */
    public static byte[] line(UsageRecord r) {
        return Json.toBytes(of(r));
    }

    private static String ts(Instant t) {
        return t == null ? null : t.toString();
    }

    private static String dec(BigDecimal d) {
        return d == null ? null : d.toPlainString();
    }
}
