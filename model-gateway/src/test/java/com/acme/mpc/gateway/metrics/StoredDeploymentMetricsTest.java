package com.acme.mpc.gateway.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.acme.mpc.gateway.config.ConfigHolder;
import com.acme.mpc.gateway.config.ConfigLoader;
import com.acme.mpc.gateway.config.Deployment;
import com.acme.mpc.gateway.config.GatewayConfig;
import com.acme.mpc.gateway.core.Json;
import com.acme.mpc.gateway.routing.Router;
import com.acme.mpc.gateway.testsupport.GatewayTestResource;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A deployment stored at run time (LiteLLM's /model/new) gets its {@code gateway_deployment_cooling_down} gauge when
 * the router starts serving it, a changed one a gauge on its new state, and a deleted one loses it: what the
 * stored-models refresh does through {@link Router#reload}.
 */
@QuarkusTest
@QuarkusTestResource(GatewayTestResource.class)
class StoredDeploymentMetricsTest {
    @Inject
    MeterRegistry registry;

    @Inject
    Router router;

    @Inject
    ConfigHolder holder;

    private Deployment stored(String model) throws Exception {
        return ConfigLoader.withSystemEnvironment(false).readDeployment(Json.MAPPER.readTree("""
                                {"model_name": "stored-chat",
                                 "litellm_params": {"model": "openai/%s", "api_base": "http://127.0.0.1:9/v1",
                                                    "api_key": "sk-stored-123456"},
                                 "model_info": {"id": "stored-1"}}""".formatted(model)), -1);
    }

    private List<Gauge> gauges() {
        return List.copyOf(registry.find("gateway_deployment_cooling_down")
                .tag("deployment", "stored-1")
                .gauges());
    }

    private void serve(GatewayConfig config) {
        router.reload(config);
        holder.use(config);
    }

    @Test
    void storedDeploymentsGetTheirCoolingGaugeAndLoseItWhenDeleted() throws Exception {
        GatewayConfig file = holder.fileConfig();
        assertThat(gauges()).isEmpty();
        try {
            serve(file.withStored(List.of(stored("gpt-4o-mini"))));
            List<Gauge> added = gauges();
            assertThat(added).hasSize(1);
            assertThat(added.get(0).getId().getTag("model_group")).isEqualTo("stored-chat");
            assertThat(added.get(0).value()).isZero();
            // the config-file deployments keep theirs
            assertThat(registry.find("gateway_deployment_cooling_down")
                            .tag("deployment", "demo-chat-1")
                            .gauges())
                    .hasSize(1);

            // an update is a new deployment state: one gauge, reading the new state
            serve(file.withStored(List.of(stored("gpt-4.1-mini"))));
            List<Gauge> updated = gauges();
            assertThat(updated).hasSize(1);
            assertThat(updated.get(0)).isNotSameAs(added.get(0));
        } finally {
            serve(file);
        }
        assertThat(gauges()).isEmpty();
    }
}
