package com.acme.mpc.gateway.provider.aws;

import com.acme.mpc.gateway.provider.auth.RefreshingCredentials;
import java.time.Instant;

/**
 * Credentials to sign with, and when to fetch them again.
 *
 * @param refreshAt from this instant a new fetch starts (5 minutes before an STS session expires; never for static
 *     keys); callers keep signing with these until {@code expiresAt} is near
 * @param expiresAt when the credentials stop working (an STS session's {@code Expiration}); a profile's keys are
 *     re-read at {@code refreshAt} and count as expired then
 * @param region the region a shared-config profile names, or null
 */
public record AwsIdentity(SigV4Signer.Credentials credentials, Instant refreshAt, Instant expiresAt, String region)
        implements RefreshingCredentials.Expiring {
    /** Credentials that never need refreshing (static keys). */
    static AwsIdentity permanent(SigV4Signer.Credentials credentials) {
        return new AwsIdentity(credentials, Instant.MAX, Instant.MAX, null);
    }

    AwsIdentity inRegion(String profileRegion) {
        return new AwsIdentity(credentials, refreshAt, expiresAt, profileRegion);
    }
}
