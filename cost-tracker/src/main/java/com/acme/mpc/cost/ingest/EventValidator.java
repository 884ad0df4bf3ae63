package com.acme.mpc.cost.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Checks every field of a usage event against docs/contracts.md; collects all problems of an event. */
public final class EventValidator {
    public record Problem(int index, String field, String message) {}

    private static final Set<String> CALL_TYPES =
            Set.of("chat_completion", "text_completion", "embedding", "anthropic_messages");
    private static final Set<String> STATUSES = Set.of("success", "failure");
    private static final int MAX_TEXT = 512;
    private static final int MAX_TAGS = 64;

    private final int index;
    private final JsonNode node;
    private final List<Problem> problems;

    private EventValidator(int index, JsonNode node, List<Problem> problems) {
        this.index = index;
        this.node = node;
        this.problems = problems;
    }

    /** The event, or null after adding at least one problem to {@code problems}. */
    public static UsageEvent validate(int index, JsonNode node, List<Problem> problems) {
        if (node == null || !node.isObject()) {
            problems.add(new Problem(index, "", "must be a JSON object"));
            return null;
        }
        return new EventValidator(index, node, problems).run();
    }

    private UsageEvent run() {
        int before = problems.size();
        String requestId = text("request_id", true, 128);
        String callType = text("call_type", true, 32);
        if (callType != null && !CALL_TYPES.contains(callType)) {
            add("call_type", "must be one of " + CALL_TYPES);
        }
        OffsetDateTime start = time("start_time", true);
        OffsetDateTime firstToken = time("first_token_time", false);
        OffsetDateTime end = time("end_time", true);
        if (start != null && end != null && end.isBefore(start)) {
            add("end_time", "must be >= start_time");
        }
        if (firstToken != null
                && ((start != null && firstToken.isBefore(start)) || (end != null && firstToken.isAfter(end)))) {
            add("first_token_time", "must be between start_time and end_time");
        }
        String keyHash = text("key_hash", false, 64);
        if (keyHash != null && !FieldSyntax.isHex64(keyHash)) {
            add("key_hash", "must be 64 hex characters (SHA-256 of the key)");
        }
        String keyAlias = text("key_alias", false, MAX_TEXT);
        String user = text("user", false, MAX_TEXT);
        String teamId = text("team_id", false, MAX_TEXT);
        String endUser = text("end_user", false, MAX_TEXT);
        List<String> tags = tags();
        String modelGroup = text("model_group", true, MAX_TEXT);
        String model = text("model", false, MAX_TEXT);
        String deploymentId = text("deployment_id", true, MAX_TEXT);
        String provider = text("provider", true, 64);
        if (provider != null && !FieldSyntax.isProviderName(provider)) {
            add("provider", "must be a lowercase provider name like openai, anthropic, azure");
        }
        String apiBaseHost = text("api_base_host", false, 255);
        if (apiBaseHost != null && !FieldSyntax.isHostName(apiBaseHost)) {
            add("api_base_host", "must be a host name (no scheme, path or credentials)");
        }
        Integer prompt = integer("prompt_tokens", true);
        Integer completion = integer("completion_tokens", true);
        Integer cachedRead = integer("cached_read_tokens", false);
        Integer cacheCreation = integer("cache_creation_tokens", false);
        Integer reasoning = integer("reasoning_tokens", false);
        int cr = cachedRead == null ? 0 : cachedRead;
        int cc = cacheCreation == null ? 0 : cacheCreation;
        int rt = reasoning == null ? 0 : reasoning;
        if (prompt != null && (long) cr + cc > prompt) {
            add("cached_read_tokens", "cached_read_tokens + cache_creation_tokens must be <= prompt_tokens");
        }
        if (completion != null && rt > completion) {
            add("reasoning_tokens", "must be <= completion_tokens");
        }
        BigDecimal inputCost = decimal("input_cost_per_token");
        BigDecimal outputCost = decimal("output_cost_per_token");
        BigDecimal gatewayCost = decimal("cost_usd");
        Integer latency = integer("latency_ms", true);
        Integer ttft = integer("ttft_ms", false);
        String status = text("status", true, 16);
        if (status != null && !STATUSES.contains(status)) {
            add("status", "must be one of " + STATUSES);
        }
        Integer httpStatus = integer("http_status", false);
        if (httpStatus != null && (httpStatus < 100 || httpStatus > 599)) {
            add("http_status", "must be an HTTP status code (100..599)");
        }
        String errorType = text("error_type", false, 128);
        boolean cacheHit = bool("cache_hit");
        boolean stream = bool("stream");
        if (problems.size() > before) {
            return null;
        }
        return new UsageEvent(
                requestId,
                callType,
                start,
                firstToken,
                end,
                keyHash == null ? null : keyHash.toLowerCase(),
                keyAlias,
                user,
                teamId,
                endUser,
                tags,
                modelGroup,
                model,
                deploymentId,
                provider,
                apiBaseHost,
                prompt,
                completion,
                cr,
                cc,
                rt,
                inputCost,
                outputCost,
                gatewayCost,
                latency,
                ttft,
                status,
                httpStatus,
                errorType,
                cacheHit,
                stream,
                null,
                null);
    }

    private void add(String field, String message) {
        problems.add(new Problem(index, field, message));
    }

    private JsonNode present(String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v;
    }

    private String text(String field, boolean required, int max) {
        JsonNode v = present(field);
        if (v == null) {
            if (required) {
                add(field, "is required");
            }
            return null;
        }
        if (!v.isTextual()) {
            add(field, "must be a string");
            return null;
        }
        String s = v.textValue();
        if (s.isEmpty()) {
            if (required) {
                add(field, "must not be empty");
            }
            return required ? null : null;
        }
        if (s.length() > max) {
            add(field, "must be at most " + max + " characters");
            return null;
        }
        if (s.indexOf('\0') >= 0) {
            add(field, "must not contain NUL characters");
            return null;
        }
        return s;
    }

    private OffsetDateTime time(String field, boolean required) {
        String s = text(field, required, 64);
        if (s == null) {
            return null;
        }
        try {
            return FieldSyntax.parseTime(s);
        } catch (DateTimeParseException e) {
            add(field, "must be an RFC 3339 timestamp with offset, e.g. 2026-11-28T10:15:30.123Z");
            return null;
        }
    }

    private Integer integer(String field, boolean required) {
        JsonNode v = present(field);
        if (v == null) {
            if (required) {
                add(field, "is required");
            }
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            add(field, "must be an integer");
            return null;
        }
        int i = v.intValue();
        if (i < 0) {
            add(field, "must be >= 0");
            return null;
        }
        return i;
    }

    private BigDecimal decimal(String field) {
        JsonNode v = present(field);
        if (v == null) {
            return null;
        }
        BigDecimal d;
        if (v.isNumber()) {
            d = v.decimalValue();
        } else if (v.isTextual()) {
            try {
                d = new BigDecimal(v.textValue().trim());
            } catch (NumberFormatException e) {
                add(field, "must be a decimal number or decimal string");
                return null;
            }
        } else {
            add(field, "must be a decimal number or decimal string");
            return null;
        }
        if (d.signum() < 0) {
            add(field, "must be >= 0");
            return null;
        }
        if (d.compareTo(BigDecimal.valueOf(1_000_000)) > 0 || d.scale() > 20) {
            add(field, "is out of range");
            return null;
        }
        return d;
    }

    private boolean bool(String field) {
        JsonNode v = present(field);
        if (v == null) {
            return false;
        }
        if (!v.isBoolean()) {
            add(field, "must be a boolean");
            return false;
        }
        return v.booleanValue();
    }

    private List<String> tags() {
        JsonNode v = present("tags");
        if (v == null) {
            return null;
        }
        if (!v.isArray()) {
            add("tags", "must be an array of strings");
            return null;
        }
        if (v.size() > MAX_TAGS) {
            add("tags", "at most " + MAX_TAGS + " tags");
            return null;
        }
        List<String> out = new ArrayList<>(v.size());
        for (int i = 0; i < v.size(); i++) {
            JsonNode t = v.get(i);
            if (!t.isTextual() || t.textValue().isEmpty() || t.textValue().length() > 256) {
                problems.add(
                        new Problem(index, "tags[" + i + "]", "must be a non-empty string of at most 256 characters"));
                return null;
            }
            if (t.textValue().indexOf('\0') >= 0) {
                problems.add(new Problem(index, "tags[" + i + "]", "must not contain NUL characters"));
                return null;
            }
            if (!out.contains(t.textValue())) {
                out.add(t.textValue());
            }
        }
        return out;
    }
}
