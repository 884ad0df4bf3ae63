package com.acme.mpc.gateway.testsupport;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import java.util.zip.CRC32;

/**
 * A fake OpenAI (and Cohere, vLLM) media upstream speaking the real wire formats with recorded answers: images,
 * audio (multipart uploads consumed as a stream: counted and checksummed, never stored), speech (a chunked binary
 * answer), moderations, rerank. Model {@code broken-dalle} answers 500, {@code nsfw-dalle} a content-policy 400.
 */
public final class FakeMediaUpstream implements AutoCloseable {
    /** One recorded request: JSON body or form fields, and the uploaded files' byte counts and CRC32s. */
    public record Recorded(
            String path,
            MultiMap headers,
            JsonObject json,
            Map<String, String> form,
            Map<String, Long> fileBytes,
            Map<String, Long> fileCrc,
            Map<String, String> fileNames) {}

    /** Speech answers: this many bytes, in 16 KiB chunks, starting with an ID3 tag as MP3 files do. */
    public static final int SPEECH_BYTES = 256 * 1024;

    private final Vertx vertx = Vertx.vertx();
    private final HttpServer server;
    private final List<Recorded> requests = new CopyOnWriteArrayList<>();
    private volatile long probeAt = Long.MAX_VALUE;
    private volatile LongConsumer probe;

    public FakeMediaUpstream() {
        server = vertx.createHttpServer().requestHandler(this::handle);
        try {
            server.listen(0, "127.0.0.1")
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start fake media upstream", e);
        }
    }

    public String root() {
        return "http://127.0.0.1:" + server.actualPort();
    }

    public List<Recorded> requests() {
        return requests;
    }

    public Recorded last(String path) {
        for (int i = requests.size() - 1; i >= 0; i--) {
            if (requests.get(i).path().equals(path)) {
                return requests.get(i);
            }
        }
        throw new AssertionError("no request to " + path);
    }

    /** Calls {@code probe} once (on the upstream's event loop) when an upload's file has passed {@code bytes}. */
    public void probeUploadAt(long bytes, LongConsumer probe) {
        this.probe = probe;
        this.probeAt = bytes;
    }

    private void handle(HttpServerRequest req) {
        String type = req.getHeader("content-type");
        if (type != null && type.startsWith("multipart/form-data")) {
            multipart(req);
            return;
        }
        req.body().onSuccess(body -> {
            JsonObject json = body.length() == 0 ? new JsonObject() : body.toJsonObject();
            requests.add(new Recorded(req.path(), req.headers(), json, Map.of(), Map.of(), Map.of(), Map.of()));
            answerJson(req, json);
        });
    }

    private void answerJson(HttpServerRequest req, JsonObject json) {
        String model = json.getString("model", "");
        switch (req.path()) {
            case "/v1/images/generations" -> {
                if (model.equals("broken-dalle")) {
                    send(req, 500, "application/json", """
                            {"error":{"message":"The server had an error processing your request. Sorry about that!",\
                            "type":"server_error","param":null,"code":null}}""");
                } else if (model.equals("nsfw-dalle")) {
                    send(req, 400, "application/json", FakeUpstream.read("fixtures/media/error-content-policy.json"));
                } else {
                    send(
                            req,
                            200,
                            "application/json",
                            FakeUpstream.read("fixtures/media/image-generation-dalle3.json"));
                }
            }
            case "/v1/audio/speech" -> speech(req);
            case "/v1/moderations" ->
                send(req, 200, "application/json", FakeUpstream.read("fixtures/media/moderation.json"));
            case "/v2/rerank" ->
                send(req, 200, "application/json", FakeUpstream.read("fixtures/media/rerank-cohere-v2.json"));
            case "/v1/rerank" ->
                send(req, 200, "application/json", FakeUpstream.read("fixtures/media/rerank-vllm.json"));
            case "/v1/chat/completions" ->
                send(req, 200, "application/json", FakeUpstream.read("fixtures/openai/chat-completion.json"));
            default -> send(req, 404, "application/json", """
                    {"error":{"message":"Invalid URL (POST %s)","type":"invalid_request_error","param":null,\
                    "code":null}}""".formatted(req.path()));
        }
    }

    private void speech(HttpServerRequest req) {
        req.response().setChunked(true).putHeader("content-type", "audio/mpeg");
        byte[] chunk = new byte[16 * 1024];
        for (int i = 0; i < chunk.length; i++) {
            chunk[i] = (byte) (i * 31);
        }
        Buffer first = Buffer.buffer("ID3").appendBytes(chunk, 3, chunk.length - 3);
        req.response().write(first);
        for (int written = chunk.length; written < SPEECH_BYTES; written += chunk.length) {
            req.response().write(Buffer.buffer(chunk));
        }
        req.response().end();
    }

    private void multipart(HttpServerRequest req) {
        req.setExpectMultipart(true);
        Map<String, Long> bytes = new HashMap<>();
        Map<String, Long> crcs = new HashMap<>();
        Map<String, String> names = new HashMap<>();
        req.uploadHandler(upload -> {
            CRC32 crc = new CRC32();
            long[] n = {0};
            boolean[] probed = {false};
            upload.handler(buf -> {
                crc.update(buf.getBytes());
                n[0] += buf.length();
                if (!probed[0] && n[0] >= probeAt && probe != null) {
                    probed[0] = true;
                    probe.accept(n[0]);
                }
            });
            upload.endHandler(v -> {
                bytes.put(upload.name(), n[0]);
                crcs.put(upload.name(), crc.getValue());
                names.put(upload.name(), upload.filename());
            });
        });
        req.endHandler(v -> {
            Map<String, String> form = new HashMap<>();
            req.formAttributes().forEach(e -> form.put(e.getKey(), e.getValue()));
            requests.add(new Recorded(req.path(), req.headers(), null, form, bytes, crcs, names));
            String format = form.getOrDefault("response_format", "json");
            switch (req.path()) {
                case "/v1/images/edits" ->
                    send(req, 200, "application/json", FakeUpstream.read("fixtures/media/image-edit-gpt-image-1.json"));
                case "/v1/audio/transcriptions", "/v1/audio/translations" -> {
                    if (format.equals("verbose_json")) {
                        send(
                                req,
                                200,
                                "application/json",
                                FakeUpstream.read("fixtures/media/transcription-verbose.json"));
                    } else if (format.equals("srt")) {
                        send(
                                req,
                                200,
                                "text/plain; charset=utf-8",
                                FakeUpstream.read("fixtures/media/translation.srt"));
                    } else {
                        send(req, 200, "application/json", FakeUpstream.read("fixtures/media/transcription-json.json"));
                    }
                }
                default -> send(req, 404, "application/json", "{\"error\":{\"message\":\"no route\"}}");
            }
        });
    }

    private static void send(HttpServerRequest req, int status, String type, String body) {
        req.response().setStatusCode(status).putHeader("content-type", type).end(body);
    }

    @Override
    public void close() {
        vertx.close()
                .toCompletionStage()
                .toCompletableFuture()
                .orTimeout(10, TimeUnit.SECONDS)
                .join();
    }
}
