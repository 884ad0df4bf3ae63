package com.acme.mpc.gateway.client;

import com.acme.mpc.gateway.core.Json;
import com.acme.mpc.gateway.logging.RequestIds;
import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

/**
 * Calls to cost-tracker's master-key routes (key checks, stored responses, stored models) on a keep-alive pool of
 * their own, created on first use. The request id of the call being served goes along, so cost-tracker's log lines
 * name it too. What a failure means is the caller's: each answers its own 503.
 */
public final class CostTrackerCalls implements AutoCloseable {
    private final Vertx vertx;
    private final String base;
    private final String masterKey;
    private final long timeoutMs;
    private final int poolSize;
    private volatile HttpClient client;

    /** {@code base} without a trailing slash, or null when cost-tracker is not configured. */
    public CostTrackerCalls(Vertx vertx, String base, String masterKey, long timeoutMs, int poolSize) {
        this.vertx = vertx;
        this.base = base;
        this.masterKey = masterKey;
        this.timeoutMs = timeoutMs;
        this.poolSize = poolSize;
    }

    /** One answer of cost-tracker, its body read whole. */
    public record Answer(int status, Buffer body, MultiMap headers) {
        /** The body as JSON; null when empty or not JSON. */
        public JsonNode json() {
            try {
                return body == null || body.length() == 0 ? null : Json.MAPPER.readTree(body.getBytes());
            } catch (java.io.IOException e) {
                return null;
            }
        }
    }

    public boolean configured() {
        return base != null;
    }

    /** {@code method path} with a JSON {@code body} (or none); fails when cost-tracker cannot be reached. */
    public Future<Answer> send(HttpMethod method, String path, Buffer body) {
        if (base == null) {
            return Future.failedFuture(new IllegalStateException("cost-tracker is not configured"));
        }
        RequestOptions o = new RequestOptions()
                .setMethod(method)
                .setAbsoluteURI(base + path)
                .setTimeout(timeoutMs)
                .putHeader("accept", "application/json");
        if (masterKey != null) {
            o.putHeader("authorization", "Bearer " + masterKey);
        }
        String requestId = RequestIds.current();
        if (requestId != null) {
            o.putHeader(RequestIds.HEADER, requestId);
        }
        if (body != null) {
            o.putHeader("content-type", "application/json");
        }
        return client().request(o)
                .compose(req -> body == null ? req.send() : req.send(body))
                .compose(resp -> resp.body().map(b -> new Answer(resp.statusCode(), b, resp.headers())));
    }

    private HttpClient client() {
        HttpClient c = client;
        if (c == null) {
            synchronized (this) {
                if (client == null) {
                    client = vertx.createHttpClient(
                            new HttpClientOptions().setKeepAlive(true).setConnectTimeout((int)
                                    Math.min(timeoutMs, 10_000)),
                            new PoolOptions().setHttp1MaxSize(poolSize));
                }
                c = client;
            }
        }
        return c;
    }

    @Override
    public void close() {
        if (client != null) {
            client.close();
        }
    }
}
