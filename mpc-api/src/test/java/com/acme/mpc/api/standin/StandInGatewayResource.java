package com.acme.mpc.api.standin;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** Starts the stand-in gateway (which also stands in for cost-tracker) and points mpc-api at it. */
public class StandInGatewayResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        String url = StandInGateway.get().url();
        return Map.of("mpc.gateway.url", url, "quarkus.rest-client.cost-tracker.url", url);
    }

    @Override
    public void stop() {
        StandInGateway.stop();
    }
}
