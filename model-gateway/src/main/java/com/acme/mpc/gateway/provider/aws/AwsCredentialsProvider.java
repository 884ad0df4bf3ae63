package com.acme.mpc.gateway.provider.aws;

import com.acme.mpc.gateway.provider.auth.RefreshingCredentials;
import com.acme.mpc.gateway.provider.http.UpstreamHttp;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A deployment's AWS credentials, asked for on each call and cached per credential configuration, as LiteLLM resolves
 * them: static keys; a static-key profile of the shared files; EKS IRSA (AssumeRoleWithWebIdentity with the token file
 * kubelet rotates); and {@code aws_role_name}, assumed with STS AssumeRole on top of one of those (or directly with
 * AssumeRoleWithWebIdentity when the deployment gives {@code aws_web_identity_token}). STS sessions are renewed 5
 * minutes before they expire, by one fetch shared by concurrent callers.
 */
@ApplicationScoped
public class AwsCredentialsProvider {
    /** LiteLLM's RoleSessionName when the deployment gives no {@code aws_session_name}. */
    static final String DEFAULT_SESSION_PREFIX = "litellm-session-";

    private final StsClient sts;
    private final AwsProfiles profiles;
    private final Vertx vertx;
    private final Clock clock;
    private final Map<String, RefreshingCredentials<AwsIdentity>> cache = new ConcurrentHashMap<>();

    @Inject
    public AwsCredentialsProvider(UpstreamHttp http, Vertx vertx) {
        this(http, vertx, Clock.systemUTC());
    }

    public AwsCredentialsProvider(UpstreamHttp http, Vertx vertx, Clock clock) {
        this.sts = new StsClient(http, clock);
        this.profiles = new AwsProfiles(vertx, clock);
        this.vertx = vertx;
        this.clock = clock;
    }

    public Uni<AwsIdentity> credentials(AwsCredentialConfig config) {
        if (config.role() == null && config.keys() != null) {
            return Uni.createFrom().item(AwsIdentity.permanent(config.keys()));
        }
        if (!config.hasSource()) {
            // the loader lists such a deployment as unavailable; reaching here means it was built elsewhere
            return Uni.createFrom()
                    .failure(AwsCredentialErrors.unusable("the deployment has no AWS credentials"
                            + (config.role() != null ? " to call STS AssumeRole with" : "")));
        }
        return cache.computeIfAbsent(
                        config.cacheKey(),
                        k -> new RefreshingCredentials<>(() -> fetch(config), clock, "AWS credentials"))
                .get();
    }

    private Uni<AwsIdentity> fetch(AwsCredentialConfig c) {
        AwsCredentialConfig.Role role = c.role();
        if (role == null) {
            return base(c);
        }
        String session = role.sessionName() != null
                ? role.sessionName()
                : DEFAULT_SESSION_PREFIX + clock.instant().getEpochSecond();
        if (c.webIdentityToken() != null) {
            return sts.assumeRoleWithWebIdentity(role.arn(), session, c.webIdentityToken(), c.sts());
        }
        AwsCredentialConfig.WebIdentityFile irsa = c.webIdentityFile();
        if (c.keys() == null
                && c.profile() == null
                && irsa != null
                && irsa.roleArn().equals(role.arn())) {
            // the pod already runs as the role: its web identity session is that role's (LiteLLM skips AssumeRole too)
            return webIdentity(irsa, session, c.sts());
        }
        return base(c).chain(b ->
                sts.assumeRole(b.credentials(), role, session, c.sts()).map(assumed -> assumed.inRegion(b.region())));
    }

    /** The credentials that sign (or, for IRSA, are) the deployment's own: static keys, a profile, then IRSA. */
    private Uni<AwsIdentity> base(AwsCredentialConfig c) {
        if (c.keys() != null) {
            return Uni.createFrom().item(AwsIdentity.permanent(c.keys()));
        }
        if (c.profile() != null) {
            return profiles.read(c.profile());
        }
        AwsCredentialConfig.WebIdentityFile irsa = c.webIdentityFile();
        String session = irsa.sessionName() != null
                ? irsa.sessionName()
                : DEFAULT_SESSION_PREFIX + clock.instant().getEpochSecond();
        return webIdentity(irsa, session, c.sts());
    }

    /** The token file is read at each fetch: kubelet replaces it before the token it holds expires. */
    private Uni<AwsIdentity> webIdentity(
            AwsCredentialConfig.WebIdentityFile irsa, String session, AwsCredentialConfig.Sts stsConfig) {
        return AwsProfiles.readText(vertx, irsa.tokenFile()).chain(text -> {
            String token = text.map(String::strip).orElse("");
            if (token.isEmpty()) {
                return Uni.createFrom()
                        .failure(AwsCredentialErrors.unusable("cannot read a web identity token from "
                                + irsa.tokenFile() + " (AWS_WEB_IDENTITY_TOKEN_FILE)"));
            }
            return sts.assumeRoleWithWebIdentity(irsa.roleArn(), session, token, stsConfig);
        });
    }
}
