package com.acme.mpc.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.acme.mpc.gateway.config.ConfigException;
import com.acme.mpc.gateway.config.ConfigLoader;
import com.acme.mpc.gateway.config.GatewayConfig;
import com.acme.mpc.gateway.core.GatewayException;
import java.time.Duration;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RouterTest {
    private final AtomicLong now = new AtomicLong(1_700_000_000_000L);

    static GatewayConfig config(String strategy, String deployments) {
        return config(strategy, deployments, "");
    }

    static GatewayConfig config(String strategy, String deployments, String extraRouter) {
        String yaml = "model_list:\n" + deployments + "router_settings:\n  routing_strategy: " + strategy + "\n"
                + extraRouter;
        return new ConfigLoader(n -> null).parse(yaml, "test");
    }

    static String dep(String id, String params) {
        return "  - model_name: g\n    litellm_params: {model: openai/" + id + ", mock_response: x" + params
                + "}\n    model_info: {id: " + id + "}\n";
    }

    private Router router(GatewayConfig c) {
        return new Router(c, null, now::get);
    }

    private static GatewayException failure(int status, boolean retriable) {
        return new GatewayException(status, "api_error", "x", null, null, retriable);
    }

    @Test
    void weightedShuffleSpreadsLoadByWeight() {
        Router r = router(
                config("simple-shuffle", dep("a", ", weight: 1") + dep("b", ", weight: 2") + dep("c", ", weight: 7")));
        Map<String, Integer> hits = new HashMap<>();
        int n = 50_000;
        for (int i = 0; i < n; i++) {
            hits.merge(r.pick("g", null).deployment().id(), 1, Integer::sum);
        }
        assertThat(hits.get("a") / (double) n).isCloseTo(0.1, org.assertj.core.data.Offset.offset(0.015));
        assertThat(hits.get("b") / (double) n).isCloseTo(0.2, org.assertj.core.data.Offset.offset(0.015));
        assertThat(hits.get("c") / (double) n).isCloseTo(0.7, org.assertj.core.data.Offset.offset(0.015));
    }

    @Test
    void shuffleWeighsByRpmWhenNoWeightIsGiven() {
        Router r = router(config("simple-shuffle", dep("a", ", rpm: 100000") + dep("b", ", rpm: 300000")));
        int b = 0;
        for (int i = 0; i < 20_000; i++) {
            if (r.pick("g", null).deployment().id().equals("b")) {
                b++;
            }
        }
        assertThat(b / 20_000.0).isCloseTo(0.75, org.assertj.core.data.Offset.offset(0.02));
    }

    @Test
    void leastBusyChoosesTheDeploymentWithFewestInFlightRequestsUnderConcurrency() throws Exception {
        Router r = router(config("least-busy", dep("a", "") + dep("b", "") + dep("c", "")));
        // 30 concurrent requests that stay in flight: least-busy must spread them 10/10/10
        ExecutorService pool = Executors.newFixedThreadPool(6);
        Map<String, Integer> hits = new ConcurrentHashMap<>();
        CountDownLatch done = new CountDownLatch(30);
        Object lock = new Object();
        for (int i = 0; i < 30; i++) {
            pool.submit(() -> {
                // pick + start must be atomic for an exact split; the gateway runs them on one event loop per request
                synchronized (lock) {
                    DeploymentState s = r.pick("g", null);
                    r.started(s);
                    hits.merge(s.deployment().id(), 1, Integer::sum);
                }
                done.countDown();
            });
        }
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        pool.shutdown();
        assertThat(hits).containsEntry("a", 10).containsEntry("b", 10).containsEntry("c", 10);
        DeploymentState b = r.state("b");
        r.released(b);
        r.released(b);
        assertThat(r.pick("g", null).deployment().id()).isEqualTo("b");
    }

    @Test
    void usageBasedChoosesTheDeploymentWithMostHeadroomThisMinute() {
        Router r = router(config("usage-based-routing", dep("a", ", tpm: 1000") + dep("b", ", tpm: 10000")));
        DeploymentState a = r.state("a");
        DeploymentState b = r.state("b");
        r.started(a);
        r.succeeded(a, 1_000_000, 500); // a: 50 % used
        r.started(b);
        r.succeeded(b, 1_000_000, 2000); // b: 20 % used
        for (int i = 0; i < 100; i++) {
            assertThat(r.pick("g", null)).isSameAs(b);
        }
        r.started(b);
        r.succeeded(b, 1_000_000, 5000); // b: 70 %
        assertThat(r.pick("g", null)).isSameAs(a);
    }

    @Test
    void latencyBasedPrefersTheFastestButSpreadsOverNearTies() {
        Router r = router(config("latency-based-routing", dep("a", "") + dep("b", "") + dep("c", "")));
        record(r, "a", 100);
        record(r, "b", 105);
        record(r, "c", 400);
        Map<String, Integer> hits = new HashMap<>();
        for (int i = 0; i < 2000; i++) {
            hits.merge(r.pick("g", null).deployment().id(), 1, Integer::sum);
        }
        assertThat(hits).doesNotContainKey("c");
        assertThat(hits.get("a")).isGreaterThan(600);
        assertThat(hits.get("b")).isGreaterThan(600);
    }

    private static void record(Router r, String id, long ms) {
        DeploymentState s = r.state(id);
        r.started(s);
        r.succeeded(s, ms * 1_000_000, 10);
    }

    @Test
    void costBasedChoosesTheCheapestDeployment() {
        String yaml = "model_list:\n"
                + "  - model_name: g\n    litellm_params: {model: openai/x, mock_response: x}\n"
                + "    model_info: {id: pricey, input_cost_per_token: 0.00001, output_cost_per_token: 0.00003}\n"
                + "  - model_name: g\n    litellm_params: {model: openai/y, mock_response: x}\n"
                + "    model_info: {id: cheap, input_cost_per_token: 0.000001, output_cost_per_token: 0.000002}\n"
                + "  - model_name: g\n    litellm_params: {model: openai/z, mock_response: x}\n"
                + "    model_info: {id: unpriced}\n"
                + "router_settings: {routing_strategy: cost-based-routing}\n";
        Router r = router(new ConfigLoader(n -> null).parse(yaml, "t"));
        assertThat(r.pick("g", null).deployment().id()).isEqualTo("cheap");
        BitSet tried = new BitSet();
        tried.set(1);
        assertThat(r.pick("g", tried).deployment().id()).isEqualTo("pricey");
    }

    @Test
    void deploymentsAtTheirRpmLimitAreSkippedAndAFullGroupAnswers429() {
        Router r = router(config("simple-shuffle", dep("a", ", rpm: 2") + dep("b", ", rpm: 1")));
        Map<String, Integer> hits = new HashMap<>();
        for (int i = 0; i < 3; i++) {
            hits.merge(r.acquire("g", null).await().indefinitely().deployment().id(), 1, Integer::sum);
        }
        assertThat(hits).containsEntry("a", 2).containsEntry("b", 1);
        assertThatThrownBy(() -> r.acquire("g", null).await().indefinitely())
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.status()).isEqualTo(429);
                    assertThat(e.retryAfterMillis()).isBetween(1L, 60_000L);
                });
        now.addAndGet(60_000); // next minute: capacity again
        assertThat(r.acquire("g", null).await().indefinitely()).isNotNull();
    }

    @Test
    void cooldownAfterAllowedFailsAndOnlyForDeploymentFailures() {
        Router r = router(
                config("simple-shuffle", dep("a", "") + dep("b", ""), "  allowed_fails: 2\n  cooldown_time: 5\n"));
        DeploymentState a = r.state("a");
        for (int i = 0; i < 5; i++) {
            r.started(a);
            assertThat(r.failed(a, failure(400, false))).isFalse();
        }
        assertThat(a.coolingDown(now.get())).isFalse();
        r.started(a);
        assertThat(r.failed(a, failure(529, true))).isFalse();
        r.started(a);
        assertThat(r.failed(a, failure(408, true))).isFalse();
        r.started(a);
        assertThat(r.failed(a, failure(500, true))).isTrue();
        for (int i = 0; i < 50; i++) {
            assertThat(r.pick("g", null).deployment().id()).isEqualTo("b");
        }
        now.addAndGet(Duration.ofSeconds(5).toMillis());
        assertThat(a.coolingDown(now.get())).isFalse();
    }

    @Test
    void halfOfTheCallsFailingCoolsADeploymentDown() {
        Router r = router(
                config("simple-shuffle", dep("a", "") + dep("b", ""), "  allowed_fails: 100\n  cooldown_time: 5\n"));
        DeploymentState a = r.state("a");
        for (int i = 0; i < 3; i++) {
            r.started(a);
            r.succeeded(a, 1_000_000, 1);
        }
        r.started(a);
        assertThat(r.failed(a, failure(503, true))).isFalse();
        r.started(a);
        assertThat(r.failed(a, failure(503, true))).isFalse(); // 2 of 5
        r.started(a);
        assertThat(r.failed(a, failure(503, true))).isTrue(); // 3 of 6
    }

    @Test
    void aGroupWhoseDeploymentsAllCoolDownStillServesTheLeastRecentlyFailed() {
        Router r = router(config("simple-shuffle", dep("a", "") + dep("b", ""), "  allowed_fails: 0\n"));
        DeploymentState a = r.state("a");
        DeploymentState b = r.state("b");
        r.started(a);
        r.failed(a, failure(500, true));
        now.addAndGet(100);
        r.started(b);
        r.failed(b, failure(500, true));
        assertThat(a.coolingDown(now.get())).isTrue();
        assertThat(b.coolingDown(now.get())).isTrue();
        assertThat(r.pick("g", null)).isSameAs(a);
        Router single = router(config("simple-shuffle", dep("only", ""), "  allowed_fails: 0\n"));
        DeploymentState only = single.state("only");
        single.started(only);
        single.failed(only, failure(500, true));
        assertThat(single.pick("g", null)).isSameAs(only);
    }

    @Test
    void unknownStrategiesFailTheConfigLoad() {
        assertThatThrownBy(() -> config("round-robin", dep("a", "")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown routing strategy 'round-robin'")
                .hasMessageContaining("least-busy");
    }

    @Test
    void strategiesMapFromLiteLlmNames() {
        for (String s : List.of(
                "simple-shuffle",
                "least-busy",
                "latency-based-routing",
                "usage-based-routing",
                "usage-based-routing-v2",
                "cost-based-routing")) {
            assertThat(router(config(s, dep("a", ""))).strategy()).isNotNull();
        }
        assertThat(RoutingStrategy.of("usage-based-routing-v2")).isEqualTo(RoutingStrategy.USAGE_BASED);
    }

    @Test
    void reloadAddsChangesAndRemovesDeploymentsKeepingTheStateOfUnchangedOnes() throws Exception {
        GatewayConfig file = config("simple-shuffle", dep("a", ""));
        Router r = router(file);
        DeploymentState a = r.pick("g", null);
        // a failure streak cools "a" down; the reload must not forget it
        for (int i = 0; i < 5; i++) {
            r.started(a);
            r.failed(a, failure(500, true));
        }
        assertThat(a.coolingDown(now.get())).isTrue();

        ConfigLoader loader = new ConfigLoader(n -> null);
        var stored = loader.readDeployment(
                new com.fasterxml.jackson.databind.ObjectMapper()
                        .readTree("{\"model_name\":\"h\",\"litellm_params\":{\"model\":\"openai/s\","
                                + "\"mock_response\":\"x\"},\"model_info\":{\"id\":\"s\"}}"),
                -1);
        r.reload(file.withStored(List.of(stored)));
        assertThat(r.state("a")).isSameAs(a);
        assertThat(r.state("a").coolingDown(now.get())).isTrue();
        assertThat(r.pick("h", null).deployment().id()).isEqualTo("s");

        // a changed deployment starts afresh; a removed one is no longer routable
        var changed = loader.readDeployment(
                new com.fasterxml.jackson.databind.ObjectMapper()
                        .readTree("{\"model_name\":\"h\",\"litellm_params\":{\"model\":\"openai/s\","
                                + "\"mock_response\":\"y\"},\"model_info\":{\"id\":\"s\"}}"),
                -1);
        DeploymentState before = r.state("s");
        r.reload(file.withStored(List.of(changed)));
        assertThat(r.state("s")).isNotSameAs(before);
        assertThat(r.state("s").deployment().mockResponse()).isEqualTo("y");
        r.reload(file.withStored(List.of()));
        assertThat(r.state("s")).isNull();
        assertThat(r.groupSize("h")).isZero();
        assertThatThrownBy(() -> r.acquire("h", null).await().indefinitely())
                .isInstanceOf(GatewayException.class)
                .hasMessageContaining("not found");
    }

    @Test
    void aStoredDeploymentIsReadByTheConfigRulesAndItsMistakesNameTheField() throws Exception {
        ConfigLoader loader = new ConfigLoader(n -> n.equals("STORED_KEY") ? "sk-from-env" : null);
        var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        var d = loader.readDeployment(
                mapper.readTree("{\"model_name\":\"m\",\"litellm_params\":{\"model\":\"openai/gpt-4o\","
                        + "\"api_key\":\"os.environ/STORED_KEY\",\"rpm\":5},\"model_info\":{\"id\":\"m1\"}}"),
                -1);
        assertThat(d.apiKey()).isEqualTo("sk-from-env");
        assertThat(d.rpm()).isEqualTo(5);
        assertThatThrownBy(() -> loader.readDeployment(
                        mapper.readTree("{\"model_name\":\"m\",\"litellm_params\":{\"model\":\"openai/x\","
                                + "\"api_base\":\"ftp://x\"}}"),
                        -1))
                .isInstanceOf(ConfigException.class)
                .satisfies(e ->
                        assertThat(((ConfigException) e).problems().get(0)).startsWith("litellm_params.api_base:"));
        assertThatThrownBy(() -> loader.readDeployment(mapper.readTree("{\"litellm_params\":{}}"), -1))
                .isInstanceOf(ConfigException.class);
    }
}
