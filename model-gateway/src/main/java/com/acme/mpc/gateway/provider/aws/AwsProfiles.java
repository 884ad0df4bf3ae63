package com.acme.mpc.gateway.provider.aws;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * Static-key profiles of the AWS shared credentials and config files, read through Vert.x's file system (never on the
 * event loop) each time the cache asks, so that keys rotated into the files are picked up within {@link #REREAD}.
 */
final class AwsProfiles {
    static final Duration REREAD = Duration.ofMinutes(5);

    private final Vertx vertx;
    private final Clock clock;

    AwsProfiles(Vertx vertx, Clock clock) {
        this.vertx = vertx;
        this.clock = clock;
    }

    Uni<AwsIdentity> read(AwsCredentialConfig.Profile profile) {
        return Uni.combine()
                .all()
                .unis(readText(vertx, profile.credentialsFile()), readText(vertx, profile.configFile()))
                .asTuple()
                .map(files -> identity(
                        profile, files.getItem1().orElse(null), files.getItem2().orElse(null)));
    }

    private AwsIdentity identity(AwsCredentialConfig.Profile profile, String credentialsText, String configText) {
        String where = "AWS profile '" + profile.name() + "' (" + profile.credentialsFile() + ", "
                + profile.configFile() + ")";
        Map<String, String> settings = AwsProfileFile.profile(profile.name(), credentialsText, configText);
        if (settings.isEmpty()) {
            throw AwsCredentialErrors.unusable(where + " is not in either file");
        }
        String other = AwsProfileFile.otherSource(settings);
        if (other != null) {
            throw AwsCredentialErrors.unusable(where + " gets its credentials through " + other
                    + ", which this gateway does not resolve; use a profile with aws_access_key_id and"
                    + " aws_secret_access_key, or aws_role_name on the deployment");
        }
        String key = settings.get("aws_access_key_id");
        String secret = settings.get("aws_secret_access_key");
        if (key == null || key.isEmpty() || secret == null || secret.isEmpty()) {
            throw AwsCredentialErrors.unusable(where + " has no aws_access_key_id and aws_secret_access_key");
        }
        String token = settings.get("aws_session_token");
        String region = settings.get("region");
        Instant reread = clock.instant().plus(REREAD);
        return new AwsIdentity(
                new SigV4Signer.Credentials(key, secret, token == null || token.isEmpty() ? null : token),
                reread,
                reread,
                region == null || region.isEmpty() ? null : region);
    }

    /** The file's text, or empty when it cannot be read (a missing file is usual: many setups have one of the two). */
    static Uni<java.util.Optional<String>> readText(Vertx vertx, String path) {
        return Uni.createFrom()
                .completionStage(() -> vertx.fileSystem().readFile(path).toCompletionStage())
                .map(Buffer::getBytes)
                .map(bytes -> java.util.Optional.of(new String(bytes, StandardCharsets.UTF_8)))
                .onFailure()
                .recoverWithItem(java.util.Optional.empty());
    }
}
