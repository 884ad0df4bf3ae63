package com.acme.mpc.gateway.provider.http;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpClientRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A {@code multipart/form-data} request body of text fields and files spooled on disk. Its length is known up front
 * (sent as content-length, as upstreams expect of uploads); the files are piped from disk with back-pressure, so a
 * large upload never sits in memory. Written once per attempt: a retry reads the files again.
 */
public final class MultipartBody implements UpstreamHttp.BodyWriter {
    /** One file part: the field name, the client's file name and content type, the spooled file. */
    public record FilePart(String field, String fileName, String contentType, String path, long size) {}

    private final Vertx vertx;
    private final List<Map.Entry<String, String>> fields;
    private final List<FilePart> files;
    private final String boundary = "----mpc-gateway-" + UUID.randomUUID();

    public MultipartBody(Vertx vertx, List<Map.Entry<String, String>> fields, List<FilePart> files) {
        this.vertx = vertx;
        this.fields = fields;
        this.files = files;
    }

    public String contentType() {
        return "multipart/form-data; boundary=" + boundary;
    }

    /** The number of bytes {@link #write} sends. */
    public long length() {
        long n = 0;
        for (Map.Entry<String, String> f : fields) {
            n += fieldPart(f.getKey(), f.getValue()).length();
        }
        for (FilePart f : files) {
            n += fileHead(f).length() + f.size() + 2;
        }
        return n + closing().length();
    }

    @Override
    public void write(HttpClientRequest request) {
        request.putHeader("content-length", Long.toString(length()));
        Buffer head = Buffer.buffer();
        for (Map.Entry<String, String> f : fields) {
            head.appendBuffer(fieldPart(f.getKey(), f.getValue()));
        }
        Future<Void> chain = request.write(head);
        for (FilePart f : files) {
            chain = chain.compose(v -> request.write(fileHead(f)))
                    .compose(v -> vertx.fileSystem().open(f.path(), new OpenOptions().setRead(true)))
                    .compose(
                            file -> file.pipe().endOnComplete(false).to(request).eventually(() -> file.close()))
                    .compose(v -> request.write(Buffer.buffer("\r\n")));
        }
        chain.compose(v -> request.end(closing())).onFailure(t -> request.reset(0, t));
    }

    private Buffer fieldPart(String name, String value) {
        return Buffer.buffer(
                        "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + quoted(name) + "\"\r\n\r\n")
                .appendString(value, StandardCharsets.UTF_8.name())
                .appendString("\r\n");
    }

    private Buffer fileHead(FilePart f) {
        String type =
                f.contentType() == null || f.contentType().isBlank() ? "application/octet-stream" : f.contentType();
        return Buffer.buffer(
                "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + quoted(f.field())
                        + "\"; filename=\"" + quoted(f.fileName() == null ? "file" : f.fileName())
                        + "\"\r\nContent-Type: "
                        + type.replaceAll("[\r\n]", "") + "\r\n\r\n",
                StandardCharsets.UTF_8.name());
    }

    private Buffer closing() {
        return Buffer.buffer("--" + boundary + "--\r\n");
    }

    /** A name or file name inside a quoted header parameter: no quote or line break can end it early. */
    private static String quoted(String s) {
        return s.replace("\\", "\\\\").replace("\"", "%22").replaceAll("[\r\n]", " ");
    }
}
