package com.acme.mpc.api.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.acme.mpc.api.ClientsProfile;
import com.acme.mpc.api.standin.Recorded;
import com.acme.mpc.api.standin.StandInGateway;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@QuarkusTest
@TestProfile(ClientsProfile.class)
class StreamingTest {

    @TestHTTPResource("/")
    URI base;

    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void reset() {
        StandInGateway.get().reset();
        CircuitBreakerMaintenance.get().resetAll();
    }

    private HttpRequest streamRequest(String model, String requestId) {
        return HttpRequest.newBuilder(base.resolve("/api/chat/completions"))
                // A relay that never ends its response fails the test instead of hanging the build.
                .timeout(Duration.ofSeconds(30))
                .header("authorization", "Bearer " + ClientsProfile.APP1)
                .header("content-type", "application/json")
                .header("x-request-id", requestId)
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + model
                        + "\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                .build();
    }

    @Test
    void shouldRelayTheFirstChunkBeforeTheGatewayHasFinishedTheStream() throws Exception {
        String requestId = "stream-" + UUID.randomUUID();
        HttpResponse<InputStream> response =
                http.send(streamRequest("gated-stream", requestId), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("content-type").orElseThrow().startsWith("text/event-stream"));
        assertEquals(requestId, response.headers().firstValue("x-request-id").orElseThrow());
        BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));

        // The stand-in holds every chunk after the first until the gate opens: a proxy that buffered the
        // stream would deliver nothing here and the read would time out.
        String first = CompletableFuture.supplyAsync(() -> readEvent(reader)).get(10, TimeUnit.SECONDS);
        assertEquals(Recorded.CHAT_STREAM.get(0), first);
        assertFalse(StandInGateway.get().stream(requestId).finished().isDone(), "the gateway's stream is still open");

        StandInGateway.get().openGate();
        List<String> rest = new ArrayList<>();
        for (String event = readEvent(reader); event != null; event = readEvent(reader)) {
            rest.add(event);
        }
        assertEquals(Recorded.CHAT_STREAM.subList(1, Recorded.CHAT_STREAM.size()), rest);
        assertTrue(StandInGateway.get().stream(requestId).finished().get(5, TimeUnit.SECONDS));
    }

    @Test
    void shouldRelayAWholeStreamWithAttribution() throws Exception {
        String requestId = "stream-" + UUID.randomUUID();
        HttpResponse<String> response =
                http.send(streamRequest("demo-chat", requestId), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        assertEquals(String.join("", Recorded.CHAT_STREAM), response.body());
        StandInGateway.Received upstream = StandInGateway.get().last("/v1/chat/completions");
        assertTrue(upstream.json().path("stream").asBoolean());
        assertEquals("app1", upstream.json().path("user").asText());
        assertEquals(response.headers().firstValue("x-cache").orElseThrow(), "MISS", "streams are never cached");
    }

    @ParameterizedTest
    @ValueSource(strings = {"broken-stream", "broken-stream-at-once"})
    void shouldEndABrokenStreamWithAnErrorEvent(String model) throws Exception {
        HttpResponse<String> response =
                http.send(streamRequest(model, "broken-" + UUID.randomUUID()), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        assertTrue(response.body().startsWith(Recorded.CHAT_STREAM.get(0)), response.body());
        String last = response.body().substring(Recorded.CHAT_STREAM.get(0).length());
        assertTrue(last.startsWith("data: {\"error\":{"), last);
        assertTrue(last.contains("\"code\":\"gateway_stream_interrupted\""), last);
        assertTrue(last.endsWith("\n\n"), last);
    }

    @Test
    void shouldCancelTheGatewayRequestWhenTheClientDisconnects() throws Exception {
        String requestId = "disconnect-" + UUID.randomUUID();
        String body =
                "{\"model\":\"gated-stream\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/chat/completions HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                            + ClientsProfile.APP1 + "\r\nContent-Type: application/json\r\nx-request-id: " + requestId
                            + "\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder seen = new StringBuilder();
            while (!seen.toString().contains("\"role\":\"assistant\"")) {
                int b = in.read();
                assertTrue(b >= 0, "connection ended before the first chunk");
                seen.append((char) b);
            }
        }
        // mpc-api must reset its gateway request: the stand-in sees the stream's connection close. Its
        // keep-alive comments rule out mpc-api's idle timeout as the cause.
        Boolean finished = StandInGateway.get().stream(requestId).finished().get(10, TimeUnit.SECONDS);
        assertFalse(finished, "the gateway stream was cut off, not completed");
    }

    @Test
    void shouldCancelTheGatewayRequestWhenTheClientGivesUpWaitingForAnAnswer() throws Exception {
        String body = "{\"model\":\"hang\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.getOutputStream()
                    .write(("POST /api/chat/completions HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                                    + ClientsProfile.APP1
                                    + "\r\nContent-Type: application/json\r\nCache-Control: no-cache"
                                    + "\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
                            .getBytes(StandardCharsets.UTF_8));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (StandInGateway.get().hungConnectionsClosed().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(1, StandInGateway.get().hungConnectionsClosed().size(), "the request reached the gateway");
        }
        // Well before the 5s gateway timeout would close it: the client's disconnect did.
        StandInGateway.get().hungConnectionsClosed().get(0).get(3, TimeUnit.SECONDS);
    }

    private static String readEvent(BufferedReader reader) {
        try {
            StringBuilder event = new StringBuilder();
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (line.startsWith(":")) {
                    // SSE comment (the stand-in's keep-alive) and its blank line: not an event.
                    reader.readLine();
                    continue;
                }
                if (line.isEmpty()) {
                    return event.append('\n').toString();
                }
                event.append(line).append('\n');
            }
            return event.isEmpty() ? null : event.toString();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
