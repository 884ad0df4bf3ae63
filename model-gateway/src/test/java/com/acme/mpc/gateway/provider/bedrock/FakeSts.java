package com.acme.mpc.gateway.provider.bedrock;

import com.acme.mpc.gateway.testsupport.FakeUpstream;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local server playing AWS STS's Query API: {@code AssumeRole} (its SigV4 signature for service {@code sts} checked
 * against the base keys it knows, answering {@code SignatureDoesNotMatch} as STS does) and
 * {@code AssumeRoleWithWebIdentity}, each answered with the real XML and a new session whose keys it adds to
 * {@link #sessions} (the map {@link FakeBedrock} checks signatures with); or a scripted {@code ErrorResponse}.
 */
final class FakeSts implements AutoCloseable {
    static final String NS = "https://sts.amazonaws.com/doc/2011-06-15/";

    /** Access key id to secret of every key that may sign: the base keys and each session issued. */
    final Map<String, String> sessions = new ConcurrentHashMap<>();
    /** The session token of each issued access key id. */
    final Map<String, String> tokens = new ConcurrentHashMap<>();

    final FakeUpstream server = new FakeUpstream();
    private final Vertx timers = Vertx.vertx();
    private final AtomicInteger issued = new AtomicInteger();
    volatile Duration lifetime = Duration.ofHours(1);
    volatile long delayMillis;
    /** When set, every request answers this error: status, code, message. */
    volatile Object[] error;

    FakeSts(Map<String, String> baseKeys) {
        sessions.putAll(baseKeys);
        server.otherwise(this::handle);
    }

    String url() {
        return server.baseUrl();
    }

    int calls() {
        return server.requests().size();
    }

    static Map<String, String> form(String body) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            out.put(
                    URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }

    private void handle(HttpServerRequest req, FakeUpstream.Recorded rec) {
        if (delayMillis > 0) {
            timers.setTimer(delayMillis, id -> answer(req, rec));
        } else {
            answer(req, rec);
        }
    }

    private void answer(HttpServerRequest req, FakeUpstream.Recorded rec) {
        Object[] scripted = error;
        if (scripted != null) {
            error(req, (Integer) scripted[0], (String) scripted[1], (String) scripted[2]);
            return;
        }
        Map<String, String> form = form(rec.body());
        String action = form.get("Action");
        if ("AssumeRole".equals(action)) {
            String problem = FakeBedrock.signatureProblem(req, rec, sessions, "sts");
            if (problem != null) {
                error(req, 403, "SignatureDoesNotMatch", problem);
                return;
            }
        } else if (!"AssumeRoleWithWebIdentity".equals(action)) {
            error(req, 400, "InvalidAction", "Could not find operation " + action + " for version 2011-06-15");
            return;
        }
        int n = issued.incrementAndGet();
        String key = "ASIAFAKESESSION" + n;
        String secret = "assumed-secret-" + n;
        String token = "assumed-session-token-" + n;
        sessions.put(key, secret);
        tokens.put(key, token);
        String expiration =
                Instant.now().plus(lifetime).truncatedTo(ChronoUnit.SECONDS).toString();
        String subject = "AssumeRoleWithWebIdentity".equals(action)
                ? "<SubjectFromWebIdentityToken>system:serviceaccount:gateway:llm</SubjectFromWebIdentityToken>"
                        + "<Audience>sts.amazonaws.com</Audience><Provider>oidc.eks.amazonaws.com/id/EXAMPLE</Provider>"
                : "";
        String xml = "<" + action + "Response xmlns=\"" + NS + "\">\n  <" + action + "Result>\n" + subject
                + "    <Credentials>\n      <AccessKeyId>" + key + "</AccessKeyId>\n      <SecretAccessKey>" + secret
                + "</SecretAccessKey>\n      <SessionToken>" + token + "</SessionToken>\n      <Expiration>"
                + expiration
                + "</Expiration>\n    </Credentials>\n    <AssumedRoleUser>\n      <AssumedRoleId>AROA3XFRBF23:"
                + form.get("RoleSessionName") + "</AssumedRoleId>\n      <Arn>" + form.get("RoleArn")
                + "</Arn>\n    </AssumedRoleUser>\n  </" + action + "Result>\n  <ResponseMetadata>\n"
                + "    <RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>\n  </ResponseMetadata>\n</"
                + action + "Response>\n";
        req.response().setStatusCode(200).putHeader("content-type", "text/xml").end(xml);
    }

    static void error(HttpServerRequest req, int status, String code, String message) {
        String type = status >= 500 ? "Receiver" : "Sender";
        req.response()
                .setStatusCode(status)
                .putHeader("content-type", "text/xml")
                .end("<ErrorResponse xmlns=\"" + NS + "\">\n  <Error>\n    <Type>" + type + "</Type>\n    <Code>" + code
                        + "</Code>\n    <Message>" + message + "</Message>\n  </Error>\n"
                        + "  <RequestId>4c4a4b38-example</RequestId>\n</ErrorResponse>\n");
    }

    @Override
    public void close() {
        server.close();
        timers.close();
    }
}
