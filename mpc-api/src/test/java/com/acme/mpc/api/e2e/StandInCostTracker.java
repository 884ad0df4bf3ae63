package com.acme.mpc.api.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * cost-tracker's side of docs/contracts.md as far as the end-to-end test needs it: it accepts the
 * gateway's usage events (and keeps them for assertions) and answers mpc-api's /spend/usage.
 */
final class StandInCostTracker implements AutoCloseable {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final HttpServer server;
    private final List<JsonNode> events = new CopyOnWriteArrayList<>();
    private final List<String> usageQueries = new CopyOnWriteArrayList<>();

    StandInCostTracker() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        server.createContext("/usage/events", this::events);
        server.createContext("/spend/usage", this::usage);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    List<JsonNode> events() {
        return events;
    }

    List<String> usageQueries() {
        return usageQueries;
    }

    private void events(HttpExchange exchange) throws IOException {
        JsonNode batch = MAPPER.readTree(exchange.getRequestBody());
        batch.forEach(events::add);
        reply(exchange, "{\"accepted\":" + batch.size() + ",\"duplicates\":0,\"rejected\":[]}");
    }

    private void usage(HttpExchange exchange) throws IOException {
        usageQueries.add(exchange.getRequestURI().getRawQuery());
        reply(
                exchange,
                "{\"end_user\":\"e2e-app\",\"from\":\"2026-11-01\",\"to\":\"2026-11-28\",\"group_by\":\"day\",\"data\":[],"
                        + "\"total\":{\"requests\":0,\"prompt_tokens\":0,\"completion_tokens\":0,\"spend\":\"0\"}}");
    }

    private static void reply(HttpExchange exchange, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("content-type", "application/json");
        exchange.sendResponseHeaders(200, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
