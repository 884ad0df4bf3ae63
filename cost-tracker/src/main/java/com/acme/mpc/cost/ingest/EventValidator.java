package com.acme.mpc.cost.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Checks every field of a usage event against docs/contracts.md; collects all problems of an event. Fields that
 * identify, time or measure the call are refused when invalid (the event is rejected); descriptive fields (user,
 * tags, key_alias, team_id, end_user, model, model_group, deployment_id, error_type, client_request_id) are
 * normalised instead (NUL removed, cut to their bound, surplus tags dropped, wrong types dropped), because a
 * cosmetic field must never cost the record of a billed call. Normalisations are reported, not rejected.
 */
public final class EventValidator {
    public record Problem(int index, String field, String message) {}

    private static final Set<String> CALL_TYPES = Set.of(
            "chat_completion",
            "text_completion",
            "embedding",
            "anthropic_messages",
            "responses",
            "image_generation",
            "image_edit",
            "transcription",
            "translation",
            "speech",
            "moderation",
            "rerank");
    private static final Set<String> STATUSES = Set.of("success", "failure");
    private static final int MAX_TEXT = 512;
    private static final int MAX_TAGS = 64;
    private static final int MAX_TAG = 256;
    private static final int MAX_ID = 128;
    /** Timestamps are stored from 1970 to 9999 (UTC); outside that, an event cannot describe a real call. */
    private static final OffsetDateTime EARLIEST = OffsetDateTime.of(1970, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);

    private static final OffsetDateTime LATEST =
            OffsetDateTime.of(9999, 12, 31, 23, 59, 59, 999_999_999, ZoneOffset.UTC);
    /** PostgreSQL's largest UTC offset of a timestamptz literal; larger ones are stored as UTC. */
    private static final int MAX_PG_OFFSET_SECONDS = 15 * 3600 + 59 * 60 + 59;

    private final int index;
    private final JsonNode node;
    private final List<Problem> problems;
    private final List<Problem> normalised;

    private EventValidator(int index, JsonNode node, List<Problem> problems, List<Problem> normalised) {
        this.index = index;
        this.node = node;
        this.problems = problems;
        this.normalised = normalised;
    }

    /** The event, or null after adding at least one problem to {@code problems}. */
    public static UsageEvent validate(int index, JsonNode node, List<Problem> problems) {
        return validate(index, node, problems, new ArrayList<>());
    }

    /**
     * The event, or null after adding at least one problem to {@code problems}; every descriptive field that was
     * normalised to be stored is added to {@code normalised}.
     */
    public static UsageEvent validate(int index, JsonNode node, List<Problem> problems, List<Problem> normalised) {
        if (node == null || !node.isObject()) {
            problems.add(new Problem(index, "", "must be a JSON object"));
            return null;
        }
        return new EventValidator(index, node, problems, normalised).run();
    }

    private UsageEvent run() {
        int before = problems.size();
        String requestId = text("request_id", true, MAX_ID);
        String clientRequestId = descriptive("client_request_id", false, MAX_ID);
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
        String keyAlias = descriptive("key_alias", false, MAX_TEXT);
        String user = descriptive("user", false, MAX_TEXT);
        String teamId = descriptive("team_id", false, MAX_TEXT);
        String endUser = descriptive("end_user", false, MAX_TEXT);
        List<String> tags = tags();
        String modelGroup = descriptive("model_group", true, MAX_TEXT);
        String model = descriptive("model", false, MAX_TEXT);
        String deploymentId = descriptive("deployment_id", true, MAX_TEXT);
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
        String errorType = descriptive("error_type", false, 128);
        boolean cacheHit = bool("cache_hit");
        boolean stream = bool("stream");
        boolean incomplete = bool("incomplete");
        if (problems.size() > before) {
            return null;
        }
        return new UsageEvent(
                requestId,
                clientRequestId,
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
                incomplete,
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
        OffsetDateTime t;
        try {
            t = FieldSyntax.parseTime(s);
        } catch (DateTimeParseException e) {
            add(field, "must be an RFC 3339 timestamp with offset, e.g. 2026-11-28T10:15:30.123Z");
            return null;
        }
        if (t.isBefore(EARLIEST) || t.isAfter(LATEST)) {
            add(field, "must be between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59Z");
            return null;
        }
        // same instant; an offset PostgreSQL cannot parse (beyond +-15:59:59) is written as UTC
        return Math.abs(t.getOffset().getTotalSeconds()) > MAX_PG_OFFSET_SECONDS
                ? t.withOffsetSameInstant(ZoneOffset.UTC)
                : t;
    }

    /**
     * A descriptive string field: NUL characters (PostgreSQL cannot store them) removed, cut to {@code max}
     * characters; a value of another type is dropped. Only a required field that is missing or empty is a problem.
     */
    private String descriptive(String field, boolean required, int max) {
        JsonNode v = present(field);
        if (v == null || (v.isTextual() && v.textValue().isEmpty())) {
            if (required) {
                add(field, v == null ? "is required" : "must not be empty");
            }
            return null;
        }
        if (!v.isTextual()) {
            if (required) {
                add(field, "must be a string");
            } else {
                normalise(field, "dropped: not a string");
            }
            return null;
        }
        String s = v.textValue();
        String n = bounded(s, max);
        if (n.isEmpty()) {
            if (required) {
                add(field, "must not be empty");
            } else {
                normalise(field, "dropped: only NUL characters");
            }
            return null;
        }
        if (!n.equals(s)) {
            normalise(field, "NUL characters removed and cut to " + max + " characters");
        }
        return n;
    }

    /** {@code s} without NUL characters, at most {@code max} chars, never ending between a surrogate pair. */
    private static String bounded(String s, int max) {
        String n = s.indexOf('\0') >= 0 ? s.replace("\0", "") : s;
        if (n.length() <= max) {
            return n;
        }
        int end = Character.isHighSurrogate(n.charAt(max - 1)) ? max - 1 : max;
        return n.substring(0, end);
    }

    private void normalise(String field, String message) {
        normalised.add(new Problem(index, field, message));
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

    /**
     * Up to {@value #MAX_TAGS} distinct tags, each without NUL characters and cut to {@value #MAX_TAG} characters;
     * empty and non-string tags are dropped, a non-array value is dropped whole.
     */
    private List<String> tags() {
        JsonNode v = present("tags");
        if (v == null) {
            return null;
        }
        if (!v.isArray()) {
            normalise("tags", "dropped: not an array of strings");
            return null;
        }
        List<String> out = new ArrayList<>(Math.min(v.size(), MAX_TAGS));
        for (int i = 0; i < v.size(); i++) {
            JsonNode t = v.get(i);
            String n = t.isTextual() ? bounded(t.textValue(), MAX_TAG) : "";
            if (n.isEmpty()) {
                normalise("tags[" + i + "]", "dropped: not a non-empty string");
                continue;
            }
            if (!n.equals(t.textValue())) {
                normalise("tags[" + i + "]", "NUL characters removed and cut to " + MAX_TAG + " characters");
            }
            if (out.contains(n)) {
                continue;
            }
            if (out.size() == MAX_TAGS) {
                normalise("tags", "only the first " + MAX_TAGS + " distinct tags are stored");
                break;
            }
            out.add(n);
        }
        return out;
    }
}
