package com.acme.mpc.gateway.provider.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.acme.mpc.gateway.core.GatewayException;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A host that does not resolve is reported as a DNS failure naming the host and the provider it belongs to. */
class UpstreamDnsFailureTest {
    static Vertx vertx;
    static UpstreamHttp http;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        http = new UpstreamHttp(vertx);
    }

    @AfterAll
    static void stop() throws Exception {
        http.close();
        vertx.close().toCompletionStage().toCompletableFuture().get();
    }

    @Test
    void aRealLookupOfAnUnresolvableHostSaysDnsAndNamesTheHost() {
        // .invalid never resolves (RFC 6761): the gateway's own resolver answers this without a network
        URI url = URI.create("http://no-such-provider.invalid:8080/v1/chat/completions");
        Throwable failure = assertThrows(
                Throwable.class,
                () -> http.post(url, MultiMap.caseInsensitiveMultiMap(), Buffer.buffer("{}"), Duration.ofSeconds(20))
                        .await()
                        .atMost(Duration.ofSeconds(60)));
        GatewayException e = assertInstanceOf(GatewayException.class, failure);
        assertEquals(502, e.status());
        assertEquals("upstream_dns_failure", e.code());
        assertTrue(e.getMessage().startsWith("DNS lookup of upstream host no-such-provider.invalid "), e.getMessage());
        assertTrue(e.getMessage().contains("api_base"), e.getMessage());
    }

    @Test
    void aProvidersDefaultHostIsNamedWithItsProvider() {
        GatewayException e = UpstreamHttp.connectionFailure(
                new RuntimeException("connect failed", new UnknownHostException("api.anthropic.com")),
                URI.create("https://api.anthropic.com/v1/messages"));
        assertEquals("upstream_dns_failure", e.code());
        assertTrue(e.getMessage().contains("api.anthropic.com (provider anthropic)"), e.getMessage());
        assertTrue(e.getMessage().contains("DNS"), e.getMessage());
        GatewayException openai = UpstreamHttp.connectionFailure(
                new UnknownHostException("api.openai.com"), URI.create("https://api.openai.com/v1/chat/completions"));
        // text-completion-openai/ shares the host, so both prefixes may be named; openai comes first
        assertTrue(openai.getMessage().contains("(provider openai"), openai.getMessage());
    }

    @Test
    void aRefusedConnectionIsNotCalledADnsFailure() {
        GatewayException e = UpstreamHttp.connectionFailure(
                new ConnectException("Connection refused"), URI.create("http://127.0.0.1:9/v1/chat/completions"));
        assertEquals("upstream_unreachable", e.code());
        assertFalse(e.getMessage().contains("DNS"), e.getMessage());
    }
}
