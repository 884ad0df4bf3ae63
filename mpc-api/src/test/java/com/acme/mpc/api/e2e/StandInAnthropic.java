package com.acme.mpc.api.e2e;

import com.acme.mpc.api.standin.Recorded;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Anthropic's side of an Anthropic deployment, for the end-to-end test: {@code POST /v1/messages} answers the
 * recorded message, or its event stream (flushed event by event) when the body asks for one. Keeps the last request.
 */
final class StandInAnthropic implements AutoCloseable {

    record Request(Headers headers, String body) {}

    private final HttpServer server;
    private final AtomicReference<Request> last = new AtomicReference<>();

    StandInAnthropic() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        server.createContext("/v1/messages", this::messages);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    Request last() {
        return last.get();
    }

    private void messages(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        last.set(new Request(exchange.getRequestHeaders(), body));
        if (body.replace(" ", "").contains("\"stream\":true")) {
            exchange.getResponseHeaders().set("content-type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                for (String event : Recorded.MESSAGE_STREAM) {
                    out.write(event.getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
            }
            return;
        }
        byte[] bytes = Recorded.MESSAGE.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("content-type", "application/json");
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
