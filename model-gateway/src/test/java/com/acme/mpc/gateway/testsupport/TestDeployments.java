package com.acme.mpc.gateway.testsupport;

import com.acme.mpc.gateway.config.Deployment;
import com.acme.mpc.gateway.config.ModelInfo;
import com.acme.mpc.gateway.config.ProviderKind;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.net.URI;

/** Deployments for adapter tests, pointing at a local fake upstream. */
public final class TestDeployments {
    private TestDeployments() {}

    public static Deployment of(
            ProviderKind kind, String upstreamModel, String apiBase, String apiKey, String apiVersion) {
        return new Deployment(
                0,
                "dep-" + upstreamModel,
                "group-" + upstreamModel,
                kind,
                upstreamModel,
                URI.create(apiBase),
                apiKey,
                apiVersion,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                JsonNodeFactory.instance.objectNode(),
                new ModelInfo(null, null, null, null, null, null, null, null, JsonNodeFactory.instance.objectNode()));
    }
}
