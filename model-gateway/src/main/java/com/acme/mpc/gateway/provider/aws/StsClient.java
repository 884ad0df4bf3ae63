package com.acme.mpc.gateway.provider.aws;

import com.acme.mpc.gateway.provider.http.UpstreamHttp;
import com.acme.mpc.gateway.provider.http.UpstreamStatusException;
import io.smallrye.mutiny.Uni;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * STS's Query API over the gateway's HTTP client: {@code AssumeRole} signed with SigV4 (service {@code sts}) and the
 * unsigned {@code AssumeRoleWithWebIdentity}, each a form POST asking for a one-hour session.
 */
final class StsClient {
    static final String VERSION = "2011-06-15";
    static final int DURATION_SECONDS = 3600;
    /** Fresh credentials are fetched this long before the session expires, so no call signs with expiring ones. */
    static final Duration REFRESH_BEFORE_EXPIRY = Duration.ofMinutes(5);

    private static final Duration TIMEOUT = Duration.ofSeconds(15);
    private static final String FORM = "application/x-www-form-urlencoded; charset=utf-8";

    private final UpstreamHttp http;
    private final Clock clock;

    StsClient(UpstreamHttp http, Clock clock) {
        this.http = http;
        this.clock = clock;
    }

    /** {@code AssumeRole} as {@code base}; {@code sessionName} already defaulted. */
    Uni<AwsIdentity> assumeRole(
            SigV4Signer.Credentials base,
            AwsCredentialConfig.Role role,
            String sessionName,
            AwsCredentialConfig.Sts sts) {
        Map<String, String> form = form("AssumeRole", role.arn(), sessionName);
        if (role.externalId() != null) {
            form.put("ExternalId", role.externalId());
        }
        for (int i = 0; i < role.tags().size(); i++) {
            form.put("Tags.member." + (i + 1) + ".Key", role.tags().get(i).getKey());
            form.put("Tags.member." + (i + 1) + ".Value", role.tags().get(i).getValue());
        }
        URI url = url(sts);
        byte[] body = encode(form).getBytes(StandardCharsets.UTF_8);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("content-type", FORM);
        headers.put("host", SigV4Signer.hostHeader(url));
        SigV4Signer.Signed signed = SigV4Signer.sign(
                "POST", url.getRawPath(), List.of(), headers, body, base, sts.region(), "sts", clock.instant());
        MultiMap out = MultiMap.caseInsensitiveMultiMap();
        signed.headers().forEach(out::add);
        List<String> secrets = new ArrayList<>();
        secrets.add(base.secretAccessKey());
        if (base.sessionToken() != null) {
            secrets.add(base.sessionToken());
        }
        return send(url, out, body, "AssumeRole for " + role.arn(), secrets);
    }

    /** {@code AssumeRoleWithWebIdentity}: the OIDC token is the credential, so the request is not signed. */
    Uni<AwsIdentity> assumeRoleWithWebIdentity(
            String roleArn, String sessionName, String token, AwsCredentialConfig.Sts sts) {
        Map<String, String> form = form("AssumeRoleWithWebIdentity", roleArn, sessionName);
        form.put("WebIdentityToken", token);
        URI url = url(sts);
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("content-type", FORM);
        return send(
                url,
                headers,
                encode(form).getBytes(StandardCharsets.UTF_8),
                "AssumeRoleWithWebIdentity for " + roleArn,
                List.of(token));
    }

    private Uni<AwsIdentity> send(URI url, MultiMap headers, byte[] body, String what, List<String> secrets) {
        return http.post(url, headers, Buffer.buffer(body), TIMEOUT)
                .map(response -> {
                    StsXml.Session session;
                    try {
                        session = StsXml.session(response.body().getBytes());
                    } catch (IllegalArgumentException e) {
                        throw AwsCredentialErrors.badAnswer(what, e.getMessage());
                    }
                    return new AwsIdentity(
                            session.credentials(),
                            session.expiration().minus(REFRESH_BEFORE_EXPIRY),
                            session.expiration(),
                            null);
                })
                .onFailure(UpstreamStatusException.class)
                .transform(t -> AwsCredentialErrors.fromSts((UpstreamStatusException) t, what, secrets));
    }

    private static Map<String, String> form(String action, String roleArn, String sessionName) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("Action", action);
        form.put("Version", VERSION);
        form.put("RoleArn", roleArn);
        form.put("RoleSessionName", sessionName);
        form.put("DurationSeconds", Integer.toString(DURATION_SECONDS));
        return form;
    }

    /** The endpoint with path {@code /} when it has none (STS's actions are all posted to the root). */
    private static URI url(AwsCredentialConfig.Sts sts) {
        URI url = URI.create(sts.url());
        return url.getRawPath() == null || url.getRawPath().isEmpty() ? url.resolve("/") : url;
    }

    /** {@code application/x-www-form-urlencoded} with RFC 3986 escapes, which STS (and every form parser) accepts. */
    static String encode(Map<String, String> form) {
        StringBuilder out = new StringBuilder();
        form.forEach((k, v) -> {
            if (!out.isEmpty()) {
                out.append('&');
            }
            out.append(SigV4Signer.uriEncode(k)).append('=').append(SigV4Signer.uriEncode(v));
        });
        return out.toString();
    }
}
