package com.acme.mpc.cost;

import static io.restassured.RestAssured.given;

import io.restassured.specification.RequestSpecification;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

public final class TestSupport {
    public static final String MASTER = "test-master-key";

    private TestSupport() {}

    public static RequestSpecification admin() {
        return given().header("Authorization", "Bearer " + MASTER).contentType("application/json");
    }

    public static String rid() {
        return "req-" + UUID.randomUUID();
    }

    /** A valid event; override fields with the map. */
    public static Map<String, Object> event(Map<String, Object> overrides) {
        Map<String, Object> e = new LinkedHashMap<>();
        Instant start = Instant.parse("2026-11-20T10:00:00Z");
        e.put("request_id", rid());
        e.put("call_type", "chat_completion");
        e.put("start_time", start.toString());
        e.put("first_token_time", start.plusMillis(200).toString());
        e.put("end_time", start.plusMillis(900).toString());
        e.put("key_hash", null);
        e.put("key_alias", null);
        e.put("user", "alice");
        e.put("team_id", "team-a");
        e.put("end_user", "app-1");
        e.put("tags", List.of("prod"));
        e.put("model_group", "gpt-4o");
        e.put("model", "gpt-4o-2024-08-06");
        e.put("deployment_id", "dep-1");
        e.put("provider", "openai");
        e.put("api_base_host", "api.openai.com");
        e.put("prompt_tokens", 1000);
        e.put("completion_tokens", 100);
        e.put("cached_read_tokens", 0);
        e.put("cache_creation_tokens", 0);
        e.put("reasoning_tokens", 0);
        e.put("latency_ms", 900);
        e.put("ttft_ms", 200);
        e.put("status", "success");
        e.put("http_status", 200);
        e.put("error_type", null);
        e.put("cache_hit", false);
        e.put("stream", true);
        e.putAll(overrides);
        return e;
    }

    public static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    public static List<Map<String, Object>> batch(Map<String, Object>... events) {
        return new ArrayList<>(List.of(events));
    }
}
