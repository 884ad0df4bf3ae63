package com.acme.mpc.testsupport.fuzz;

import static com.acme.mpc.testsupport.fuzz.HttpFuzz.anyJsonValue;
import static com.acme.mpc.testsupport.fuzz.HttpFuzz.pick;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.BiFunction;
import java.util.function.IntConsumer;
import java.util.function.IntPredicate;
import java.util.function.UnaryOperator;

/**
 * Builds one fuzzed request from its case's {@link Random}, in steps the services share (method, path, a broken body,
 * Host, Content-Type, odd headers, Content-Length) between the steps of their own (which body is valid, which
 * credential, which headers matter to them). Each step draws from the Random in a fixed order, so a seed and case
 * always give the same request.
 */
public final class FuzzedRequest {
    /**
     * How a service's JSON bodies are broken: {@code listPrefix} opens an object up to a list field (deep nesting
     * and oversized bodies are built on it), {@code mutate} sets one field of a valid body to something odd and
     * {@code duplicateKey} repeats a key of it.
     */
    public record BodyShape(
            String listPrefix, BiFunction<Random, String, String> mutate, UnaryOperator<String> duplicateKey) {}

    private final Random r;
    private final String method;
    private final List<String[]> headers = new ArrayList<>();
    private String path;
    private BodyShape shape;
    private byte[] body = new byte[0];
    private String kind = "none";

    private FuzzedRequest(Random r) {
        this.r = r;
        int m = r.nextInt(100);
        this.method = m < 75 ? "POST" : m < 88 ? "GET" : pick(r, "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "FOO");
    }

    /** Starts a request with its method: mostly POST, some GET, a few others (one no server knows). */
    public static FuzzedRequest start(Random r) {
        return new FuzzedRequest(r);
    }

    public String method() {
        return method;
    }

    public String path() {
        return path;
    }

    /** The path: one of {@code main} ({@code mainPercent} % of the time) or of {@code other}, rarely far too long. */
    public FuzzedRequest path(int mainPercent, List<String> main, List<String> other) {
        path = r.nextInt(100) < mainPercent ? pick(r, main) : pick(r, other);
        if (r.nextInt(100) < 2) {
            path = path + "?q=" + "a".repeat(8200 + r.nextInt(2000));
        }
        return this;
    }

    /**
     * The body: {@code valid} broken one way or another, or as it is; {@code draw} is the Random's next int below 100,
     * drawn by the caller where its sequence has it. GET, HEAD and OPTIONS then lose their body half of the time.
     */
    public FuzzedRequest body(int draw, String valid, BodyShape shape) {
        this.shape = shape;
        int b = draw;
        if (b < 20) {
            kind = "mutated field";
            body = utf8(shape.mutate().apply(r, valid));
        } else if (b < 30) {
            kind = "truncated";
            byte[] full = utf8(valid);
            body = Arrays.copyOf(full, r.nextInt(full.length));
        } else if (b < 36) {
            kind = "trailing garbage";
            body = utf8(valid + pick(r, " x", "{}", "]", "\u0000", "\n{\"a\":1}", ","));
        } else if (b < 42) {
            kind = "duplicate key";
            body = utf8(shape.duplicateKey().apply(valid));
        } else if (b < 47) {
            kind = "utf-16";
            body = valid.getBytes(
                    pick(r, StandardCharsets.UTF_16, StandardCharsets.UTF_16LE, StandardCharsets.UTF_16BE));
        } else if (b < 51) {
            kind = "deep nesting";
            int depth = 500 + r.nextInt(3000);
            body = utf8(shape.listPrefix() + "[".repeat(depth) + "]".repeat(depth) + "}");
        } else if (b < 55) {
            kind = "random bytes";
            body = new byte[r.nextInt(400)];
            r.nextBytes(body);
        } else if (b < 60) {
            kind = "not an object";
            body = utf8(pick(r, "", "[]", "null", "\"x\"", "42", "{", "}", "\u0000\u0000", "{\"a\":NaN}", "{'a':1}"));
        } else if (b < 64) {
            kind = "raw NUL";
            body = utf8(valid.replaceFirst(":", ":\u0000"));
        } else if (b < 68) {
            kind = "any value";
            body = utf8(anyJsonValue(r, 0));
        } else {
            kind = "valid";
            body = utf8(valid);
        }
        if ((method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS")) && r.nextBoolean()) {
            body = new byte[0];
            kind = "none";
        }
        return this;
    }

    /** A Host header, mostly the right one, sometimes empty, huge or odd, rarely none. */
    public FuzzedRequest host() {
        if (r.nextInt(100) >= 2) {
            header("Host", pick(r, "localhost", "localhost", "", "x".repeat(300), "[::1]:1"));
        }
        return this;
    }

    /** A Content-Type header, mostly JSON, sometimes another type, sometimes none. */
    public FuzzedRequest contentType() {
        int c = r.nextInt(100);
        if (c < 80) {
            header("Content-Type", "application/json");
        } else if (c < 90) {
            header(
                    "Content-Type",
                    pick(r, "text/plain", "application/json; charset=utf-16", "", "*/*", "multipart/form-data"));
        }
        return this;
    }

    /**
     * Sometimes one odd header: for a draw (the Random's next int below 100) under 13 one every service gets (a bad
     * or real Expect, an odd request id, a header over the size limit, an odd cache-control); any other draw goes to
     * {@code own}, which adds the service's own odd headers for some of them.
     */
    public FuzzedRequest oddHeader(IntConsumer own) {
        int draw = r.nextInt(100);
        if (draw < 3) {
            header("Expect", pick(r, "999-bogus", "", "100-continue-x"));
        } else if (draw < 5) {
            header("Expect", "100-continue");
        } else if (draw < 8) {
            header("x-request-id", pick(r, "", "\u00e9\u00ff", "r".repeat(2000), "a b\tc"));
        } else if (draw < 10) {
            header("X-Big", "b".repeat(20_500 + r.nextInt(20_000)));
        } else if (draw < 13) {
            header("cache-control", pick(r, "no-cache, s-maxage=abc", "max-age=-1", "", "no-store"));
        } else {
            own.accept(draw);
        }
        return this;
    }

    public FuzzedRequest header(String name, String value) {
        headers.add(new String[] {name, value});
        return this;
    }

    /**
     * Ends the headers and returns the request: {@code Connection: close} (one request per connection), then a
     * Content-Length. For a draw (the Random's next int below 100) under 3 it announces far more than any limit (the
     * body is never read: refused on the header); when {@code oversized} holds for the draw the body is replaced by
     * one over the body limit ({@code oversizedChars} characters of text in a list); else the body's own length.
     */
    public HttpFuzz.Request finish(IntPredicate oversized, int oversizedChars) {
        header("Connection", "close");
        int draw = r.nextInt(100);
        if (draw < 3) {
            header("Content-Length", Long.toString(100_000_000L + r.nextInt(1000)));
            kind = kind + ", oversized length";
        } else {
            if (oversized.test(draw)) {
                kind = kind + ", oversized body";
                body = utf8(shape.listPrefix() + "[{\"role\":\"user\",\"content\":\"" + "y".repeat(oversizedChars)
                        + "\"}]}");
            }
            header("Content-Length", Integer.toString(body.length));
        }
        return new HttpFuzz.Request(method, path, headers, body, kind);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
