package com.acme.mpc.gateway.usage;

import static com.acme.mpc.gateway.testsupport.PackagedApps.JSON;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.acme.mpc.gateway.api.Authenticator;
import com.acme.mpc.gateway.testsupport.FakeUpstream;
import com.acme.mpc.gateway.testsupport.PackagedApps;
import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A call in flight when the gateway dies is still billed: the real packaged gateway (a separate process) in front of a
 * slow fake provider (OpenAI wire format; streams trickle SSE chunks, JSON answers come late), the real cost-tracker
 * and PostgreSQL. Each round starts the gateway on the same spool directory, sends streamed and JSON calls, and kills
 * the gateway with SIGKILL at a random (seeded) moment while calls are in flight. After a last clean start, every call
 * the provider received has exactly one usage event: the killed ones delivered at restart as {@code incomplete}
 * events billed at least at the prompt estimate (plus the relayed completion tokens), and the key's spend is the sum
 * of its events (budgets see the incomplete ones too), its reservations all settled.
 */
class WriteAheadUsageIT {
    private static final String MASTER = "sk-write-ahead-master";
    private static final long SEED = Long.getLong("write-ahead.seed", 20261207L);
    private static final int ROUNDS = 3;
    private static final int CALLS_PER_ROUND = 10;
    private static final int STREAM_CHUNKS = 30;
    private static final Duration CHUNK_GAP = Duration.ofMillis(40);
    private static final Duration JSON_DELAY = Duration.ofMillis(700);
    private static final int PROVIDER_PROMPT_TOKENS = 11;

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** What the client saw of one call. */
    private record Outcome(String user, boolean stream, boolean complete, int contentChunks) {}

    @Test
    void callsInFlightWhenTheGatewayIsKilledAreEachBilledOnce() throws Exception {
        String missing = PackagedApps.missing();
        assumeTrue(missing == null, () -> missing + ": write-ahead usage test skipped");
        Random random = new Random(SEED);
        Path work = Files.createTempDirectory(PackagedApps.MODULE.resolve("target"), "write-ahead-");
        String db = PackagedApps.createDatabase("wal_write_ahead_");
        int costTrackerPort = PackagedApps.freePort();
        String costTracker = "http://127.0.0.1:" + costTrackerPort;
        Process ct = null;
        Process gw = null;
        try (FakeUpstream provider = new FakeUpstream()) {
            provider.otherwise(WriteAheadUsageIT::slowOpenAi);
            Path config = work.resolve("gateway.yaml");
            Files.writeString(config, """
                    model_list:
                      - model_name: slow-chat
                        litellm_params: {model: openai/gpt-4o-mini, api_base: "%s/v1", api_key: sk-fake-provider}
                        model_info: {id: slow-1, input_cost_per_token: 0.000001, output_cost_per_token: 0.000004}
                    router_settings: {num_retries: 0}
                    general_settings: {master_key: %s}
                    """.formatted(provider.baseUrl(), MASTER));
            ct = PackagedApps.startCostTracker(costTrackerPort, db, MASTER, work.resolve("cost-tracker.log"));
            PackagedApps.await(
                    () -> PackagedApps.status(costTracker + "/q/health/ready") == 200,
                    Duration.ofSeconds(90),
                    "cost-tracker start");
            String key = generateKey(costTracker);
            String keyHash = Authenticator.sha256Hex(key);

            List<Outcome> outcomes = new ArrayList<>();
            for (int round = 0; round < ROUNDS; round++) {
                int port = PackagedApps.freePort();
                gw = startGateway(config, port, costTracker, work);
                String gateway = "http://127.0.0.1:" + port;
                // a first call to the end: key lookup and code paths warm, so the round's calls reach the provider
                Outcome warm = call(gateway, key, "wal-warm-" + round, false).get(30, TimeUnit.SECONDS);
                assertThat(warm.complete()).isTrue();
                outcomes.add(warm);
                List<CompletableFuture<Outcome>> calls = new ArrayList<>();
                for (int i = 0; i < CALLS_PER_ROUND; i++) {
                    calls.add(call(gateway, key, "wal-" + round + "-" + i, random.nextBoolean()));
                    Thread.sleep(random.nextInt(60));
                }
                // a random point of the calls: before, during or after their provider calls, mid-stream
                Thread.sleep(50 + random.nextInt(1300));
                gw.destroyForcibly();
                assertThat(gw.waitFor(20, TimeUnit.SECONDS)).isTrue();
                for (CompletableFuture<Outcome> c : calls) {
                    outcomes.add(c.get(30, TimeUnit.SECONDS));
                }
            }
            // the last start delivers what the killed runs owed; it serves a few calls to the end as well
            int port = PackagedApps.freePort();
            gw = startGateway(config, port, costTracker, work);
            String gateway = "http://127.0.0.1:" + port;
            for (int i = 0; i < 3; i++) {
                Outcome o = call(gateway, key, "wal-final-" + i, i % 2 == 0).get(30, TimeUnit.SECONDS);
                assertThat(o.complete()).as("a call to the restarted gateway").isTrue();
                outcomes.add(o);
            }

            Set<String> received = new HashSet<>();
            for (FakeUpstream.Recorded r : provider.requests()) {
                received.add(r.json().getString("user"));
            }
            long killed = outcomes.stream()
                    .filter(o -> !o.complete() && received.contains(o.user()))
                    .count();
            assertThat(killed)
                    .as("calls the provider received whose client saw the gateway die (seed " + SEED + "): outcomes "
                            + outcomes + ", provider received " + received)
                    .isGreaterThanOrEqualTo(3);
            String gw0 = gateway;
            PackagedApps.await(
                    () -> usersBilled(db).containsAll(received) && PackagedApps.backlog(gw0) == 0,
                    Duration.ofSeconds(60),
                    "a usage event for each of the " + received.size() + " calls the provider received");

            Map<String, JsonNode> events = events(db);
            Map<String, Outcome> byUser = new HashMap<>();
            outcomes.forEach(o -> byUser.put(o.user(), o));
            int incomplete = 0;
            int incompleteWithCompletion = 0;
            for (String user : received) {
                JsonNode e = events.get(user);
                assertThat(e).as("usage event of " + user).isNotNull();
                assertThat(e.path("n").asInt()).as("events of " + user).isEqualTo(1);
                Outcome o = byUser.get(user);
                if (e.path("incomplete").asBoolean()) {
                    incomplete++;
                    // the estimate (tokenizer count of the prompt): at least the words of the message
                    assertThat(e.path("prompt_tokens").asLong())
                            .as("prompt tokens billed for " + user)
                            .isGreaterThanOrEqualTo(8);
                    assertThat(new BigDecimal(e.path("cost_usd").asText())).isPositive();
                    assertThat(e.path("status").asText()).isEqualTo("failure");
                    if (e.path("completion_tokens").asLong() > 0) {
                        incompleteWithCompletion++;
                        assertThat(o.stream()).isTrue();
                    }
                } else {
                    assertThat(e.path("prompt_tokens").asLong()).isEqualTo(PROVIDER_PROMPT_TOKENS);
                }
                if (o != null && !o.complete()) {
                    // the client never saw the answer whole: billed incomplete, or complete when the gateway had
                    // sent it all before it died
                    assertThat(e.path("incomplete").asBoolean()
                                    || e.path("status").asText().equals("success"))
                            .as("event of killed call " + user)
                            .isTrue();
                }
            }
            assertThat(incomplete)
                    .as("events delivered as incomplete after a kill")
                    .isGreaterThanOrEqualTo(3);
            assertThat(incompleteWithCompletion)
                    .as("incomplete streams billed with the tokens they had relayed")
                    .isPositive();
            assertThat(events.values().stream()
                            .mapToInt(e -> e.path("n").asInt())
                            .sum())
                    .as("no call billed twice")
                    .isEqualTo(events.size());
            try (Connection c = PackagedApps.connect(db);
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT (SELECT spend FROM virtual_keys WHERE key_hash = '"
                            + keyHash + "'), (SELECT sum(cost_usd) FROM usage_events WHERE key_hash = '" + keyHash
                            + "'), (SELECT count(*) FROM key_reservations r JOIN usage_events e USING (request_id))")) {
                rs.next();
                assertThat(rs.getBigDecimal(1))
                        .as("the key's spend counts every event, incomplete ones included")
                        .isEqualByComparingTo(rs.getBigDecimal(2));
                // a call killed after admission and before its dispatch never reached the provider and has no event:
                // its reservation lapses (10 minutes); every billed call's reservation is settled
                assertThat(rs.getLong(3))
                        .as("open reservations of billed calls")
                        .isZero();
            }
            System.out.printf(
                    "WriteAheadUsageIT seed %d: %d calls received by the provider, %d killed mid-call, %d billed as"
                            + " incomplete (%d with relayed completion tokens)%n",
                    SEED, received.size(), killed, incomplete, incompleteWithCompletion);
        } finally {
            PackagedApps.stop(gw);
            PackagedApps.stop(ct);
            PackagedApps.dropDatabase(db);
        }
    }

    private static Process startGateway(Path config, int port, String costTracker, Path work) throws Exception {
        Process gw = PackagedApps.start(
                PackagedApps.GATEWAY_JAR,
                Map.of(
                        "CONFIG_FILE_PATH",
                        config.toString(),
                        "QUARKUS_HTTP_PORT",
                        Integer.toString(port),
                        "COST_TRACKER_URL",
                        costTracker,
                        "GATEWAY_SPOOL_DIR",
                        work.resolve("spool").toString(),
                        "GATEWAY_COST_TRACKER_FLUSH_INTERVAL",
                        "200ms",
                        "GATEWAY_USAGE_WRITE_AHEAD_PROGRESS_INTERVAL",
                        "100ms",
                        // -Dwrite-ahead.enabled=false shows what this test catches: the killed calls go unbilled
                        "GATEWAY_USAGE_WRITE_AHEAD_ENABLED",
                        System.getProperty("write-ahead.enabled", "true")),
                work.resolve("gateway.log"));
        String gateway = "http://127.0.0.1:" + port;
        PackagedApps.await(
                () -> PackagedApps.status(gateway + "/health/liveliness") == 200,
                Duration.ofSeconds(60),
                "gateway start");
        return gw;
    }

    /** One call; completes with what the client saw, also when the gateway dies under it. */
    private CompletableFuture<Outcome> call(String gateway, String key, String user, boolean stream) {
        String body = "{\"model\":\"slow-chat\",\"stream\":" + stream + ",\"user\":\"" + user + "\""
                + (stream ? ",\"stream_options\":{\"include_usage\":true}" : "")
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"please write a slow answer for the call of "
                + user + "\"}]}";
        HttpRequest req = HttpRequest.newBuilder(URI.create(gateway + "/v1/chat/completions"))
                .header("authorization", "Bearer " + key)
                .header("content-type", "application/json")
                .timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        return http.sendAsync(req, HttpResponse.BodyHandlers.ofLines())
                .thenApply(r -> {
                    int chunks = 0;
                    boolean done = false;
                    StringBuilder whole = new StringBuilder();
                    try {
                        for (String line : (Iterable<String>) r.body()::iterator) {
                            whole.append(line).append('\n');
                            if (line.startsWith("data: {") && line.contains("\"content\"")) {
                                chunks++;
                            }
                            if (line.equals("data: [DONE]")) {
                                done = true;
                            }
                        }
                    } catch (RuntimeException e) {
                        // the gateway died mid-answer
                        return new Outcome(user, stream, false, chunks);
                    }
                    boolean complete = r.statusCode() == 200
                            && (stream ? done : whole.toString().contains("\"usage\""));
                    return new Outcome(user, stream, complete, chunks);
                })
                .exceptionally(t -> new Outcome(user, stream, false, 0));
    }

    /** An OpenAI-compatible provider that takes its time: streams trickle, JSON answers come late. */
    private static void slowOpenAi(HttpServerRequest req, FakeUpstream.Recorded rec) {
        Vertx vertx = io.vertx.core.Vertx.currentContext().owner();
        boolean stream = rec.body().contains("\"stream\":true");
        if (!stream) {
            vertx.setTimer(
                    JSON_DELAY.toMillis(),
                    t -> FakeUpstream.json(req, 200, """
                    {"id":"chatcmpl-slow","object":"chat.completion","created":1733500000,"model":"gpt-4o-mini",
                     "choices":[{"index":0,"message":{"role":"assistant","content":"a slow answer"},
                     "finish_reason":"stop"}],
                     "usage":{"prompt_tokens":%d,"completion_tokens":3,"total_tokens":%d}}
                    """.formatted(PROVIDER_PROMPT_TOKENS, PROVIDER_PROMPT_TOKENS + 3)
                            .replace("\n", "")));
            return;
        }
        req.response().setChunked(true).putHeader("content-type", "text/event-stream");
        writeChunk(vertx, req, 0);
    }

    private static void writeChunk(Vertx vertx, HttpServerRequest req, int i) {
        if (req.response().closed()) {
            return;
        }
        String head = "{\"id\":\"chatcmpl-slow\",\"object\":\"chat.completion.chunk\",\"created\":1733500000,"
                + "\"model\":\"gpt-4o-mini\",";
        if (i == STREAM_CHUNKS) {
            req.response()
                    .end("data: " + head + "\"choices\":[],\"usage\":{\"prompt_tokens\":" + PROVIDER_PROMPT_TOKENS
                            + ",\"completion_tokens\":" + STREAM_CHUNKS + ",\"total_tokens\":"
                            + (PROVIDER_PROMPT_TOKENS + STREAM_CHUNKS) + "}}\n\ndata: [DONE]\n\n");
            return;
        }
        String delta = i == 0 ? "{\"role\":\"assistant\",\"content\":\"word \"}" : "{\"content\":\"word \"}";
        req.response()
                .write("data: " + head + "\"choices\":[{\"index\":0,\"delta\":" + delta
                        + ",\"finish_reason\":null}]}\n\n");
        vertx.setTimer(CHUNK_GAP.toMillis(), t -> writeChunk(vertx, req, i + 1));
    }

    private String generateKey(String costTracker) throws Exception {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(costTracker + "/key/generate"))
                        .header("authorization", "Bearer " + MASTER)
                        .header("content-type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"key_alias\":\"write-ahead\",\"max_budget\":\"100\"}"))
                        .timeout(Duration.ofSeconds(30))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body()).path("key").asText();
    }

    private static Set<String> usersBilled(String db) {
        try {
            return events(db).keySet();
        } catch (SQLException e) {
            return Set.of();
        }
    }

    /** Per call (the request's user, stored as the event's end_user): event count and the event's fields. */
    private static Map<String, JsonNode> events(String db) throws SQLException {
        Map<String, JsonNode> out = new HashMap<>();
        try (Connection c = PackagedApps.connect(db);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT end_user, count(*) OVER (PARTITION BY end_user), incomplete,"
                        + " prompt_tokens, completion_tokens, cost_usd, status FROM usage_events")) {
            while (rs.next()) {
                var node = JSON.createObjectNode();
                node.put("n", rs.getInt(2));
                node.put("incomplete", rs.getBoolean(3));
                node.put("prompt_tokens", rs.getLong(4));
                node.put("completion_tokens", rs.getLong(5));
                node.put("cost_usd", rs.getString(6) == null ? "0" : rs.getString(6));
                node.put("status", rs.getString(7));
                out.put(rs.getString(1), node);
            }
        }
        return out;
    }
}
