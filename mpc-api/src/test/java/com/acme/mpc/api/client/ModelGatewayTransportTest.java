package com.acme.mpc.api.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ModelGatewayTransportTest {

    @Test
    void shouldAcceptTheGatewayUrlWithOrWithoutV1() {
        assertEquals("", ModelGatewayTransport.basePath(""));
        assertEquals("", ModelGatewayTransport.basePath("/"));
        assertEquals("", ModelGatewayTransport.basePath("/v1/"));
        assertEquals("/litellm", ModelGatewayTransport.basePath("/litellm/v1"));
        assertEquals("/litellm", ModelGatewayTransport.basePath("/litellm"));
    }
}
