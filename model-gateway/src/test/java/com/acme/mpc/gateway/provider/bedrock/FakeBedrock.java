package com.acme.mpc.gateway.provider.bedrock;

import com.acme.mpc.gateway.provider.aws.SigV4Signer;
import com.acme.mpc.gateway.testsupport.FakeUpstream;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local server playing {@code bedrock-runtime}: it checks every request's SigV4 {@code Authorization} against the
 * secret it knows for the access key (answering 403 InvalidSignatureException as AWS does on a mismatch), then answers
 * by URL path with the recorded Converse JSON, a ConverseStream binary event stream written in odd-sized pieces, an
 * InvokeModel embedding, or a Bedrock error with its {@code x-amzn-ErrorType}.
 */
final class FakeBedrock {
    static final String ACCESS_KEY = "AKIDEXAMPLE";
    static final String SECRET_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    static final String SESSION_TOKEN = "IQoJb3JpZ2luX2VjEXAMPLEsessiontoken//////////wEaCXVzLWVhc3QtMSJH";
    private static final Pattern AUTH = Pattern.compile(
            "AWS4-HMAC-SHA256 Credential=([^/]+)/(\\d{8})/([^/]+)/([^/]+)/aws4_request, SignedHeaders=([^,]+),"
                    + " Signature=([0-9a-f]{64})");
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");

    private FakeBedrock() {}

    static FakeUpstream start() {
        return start(Map.of(ACCESS_KEY, SECRET_KEY));
    }

    /** Accepting requests signed with any of {@code secrets} (access key id to secret key). */
    static FakeUpstream start(Map<String, String> secrets) {
        return new FakeUpstream().otherwise((req, rec) -> {
            String problem = signatureProblem(req, rec, secrets, "bedrock");
            if (problem != null) {
                error(req, 403, "InvalidSignatureException", problem);
                return;
            }
            answer(req, rec);
        });
    }

    private static void answer(HttpServerRequest req, FakeUpstream.Recorded rec) {
        String path = rec.path();
        boolean tools = rec.body().contains("\"toolConfig\"");
        // a response_format request: the model answers by calling the forced tool
        boolean jsonMode = rec.body().contains("\"toolChoice\":{\"tool\":{\"name\":\"weather_report\"}}");
        if (path.contains("meta.llama3-3-70b-instruct-v1%3A0")) {
            error(req, 429, "ThrottlingException", "Too many requests, please wait before trying again.");
        } else if (path.contains("mistral.mistral-large-2407-v1%3A0")) {
            error(
                    req,
                    400,
                    "ValidationException",
                    "The model returned the following errors: Input is too long for" + " requested model.");
        } else if (path.endsWith("/converse-stream")) {
            byte[] bytes = BedrockFixtures.stream(
                    jsonMode ? "stream-json-mode.jsonl" : tools ? "stream-tool-use.jsonl" : "stream-text.jsonl");
            req.response()
                    .setChunked(true)
                    .putHeader("content-type", "application/vnd.amazon.eventstream")
                    .putHeader("x-amzn-requestid", "5e3c9f7a-1b2d-4e6f-8a9b-0c1d2e3f4a5b");
            // odd-sized writes: frames reach the gateway cut at arbitrary points
            for (int at = 0; at < bytes.length; at += 37) {
                req.response().write(Buffer.buffer(Arrays.copyOfRange(bytes, at, Math.min(bytes.length, at + 37))));
            }
            req.response().end();
        } else if (path.endsWith("/converse")) {
            String answer =
                    jsonMode ? "converse-json-mode.json" : tools ? "converse-tool-use.json" : "converse-text.json";
            json(req, 200, BedrockFixtures.text(answer), Map.of());
        } else if (path.contains("amazon.titan-embed") && path.endsWith("/invoke")) {
            json(
                    req,
                    200,
                    BedrockFixtures.text("titan-embed-v2.json"),
                    Map.of("x-amzn-bedrock-input-token-count", "3"));
        } else if (path.contains("cohere.embed") && path.endsWith("/invoke")) {
            json(req, 200, BedrockFixtures.text("cohere-embed.json"), Map.of("x-amzn-bedrock-input-token-count", "4"));
        } else {
            error(req, 404, "ResourceNotFoundException", "The provided model identifier is invalid.");
        }
    }

    /** Null when the request is signed for {@code service} with a known key over exactly what arrived; else AWS's complaint. */
    static String signatureProblem(
            HttpServerRequest req, FakeUpstream.Recorded rec, Map<String, String> secrets, String service) {
        String authorization = rec.headers().get("authorization");
        Matcher m = authorization == null ? null : AUTH.matcher(authorization);
        if (m == null || !m.matches()) {
            return "Authorization header requires 'Credential', 'Signature' and 'SignedHeaders': " + authorization;
        }
        String secret = secrets.get(m.group(1));
        if (secret == null) {
            return "The security token included in the request is invalid.";
        }
        if (!service.equals(m.group(4))) {
            return "Credential should be scoped to correct service: '" + service + "'.";
        }
        String amzDate = rec.headers().get("x-amz-date");
        if (amzDate == null || !amzDate.startsWith(m.group(2))) {
            return "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP";
        }
        List<String> signed = List.of(m.group(5).split(";"));
        Map<String, String> headers = new LinkedHashMap<>();
        for (String name : signed) {
            if (!name.equals("x-amz-date") && !name.equals("x-amz-security-token")) {
                String value = rec.headers().get(name);
                if (value == null) {
                    return "signed header " + name + " was not sent";
                }
                headers.put(name, value);
            }
        }
        String token = rec.headers().get("x-amz-security-token");
        Instant at = LocalDateTime.parse(amzDate, AMZ_DATE).toInstant(ZoneOffset.UTC);
        SigV4Signer.Signed expected = SigV4Signer.sign(
                req.method().name(),
                rec.path(),
                List.of(),
                headers,
                rec.body().getBytes(StandardCharsets.UTF_8),
                new SigV4Signer.Credentials(m.group(1), secret, token),
                m.group(3),
                service,
                at);
        if (!expected.authorization().equals(authorization)) {
            return "The request signature we calculated does not match the signature you provided. Check your AWS"
                    + " Secret Access Key and signing method. Consult the service documentation for details.";
        }
        return null;
    }

    static void error(HttpServerRequest req, int status, String type, String message) {
        json(
                req,
                status,
                "{\"message\":\"" + message.replace("\"", "\\\"") + "\"}",
                Map.of("x-amzn-ErrorType", type + ":http://internal.amazon.com/coral/com.amazon.bedrock/"));
    }

    private static void json(HttpServerRequest req, int status, String body, Map<String, String> headers) {
        headers.forEach((k, v) -> req.response().putHeader(k, v));
        req.response().putHeader("x-amzn-requestid", "5e3c9f7a-1b2d-4e6f-8a9b-0c1d2e3f4a5b");
        FakeUpstream.json(req, status, body);
    }
}
