package com.acme.mpc.gateway.provider.aws;

import com.acme.mpc.gateway.provider.bedrock.SigV4Signer;
import java.time.Instant;

/**
 * Credentials to sign with, and when to fetch them again.
 *
 * @param refreshAt from this instant callers wait for fresh credentials: 5 minutes before an STS session expires,
 *     never for static keys
 * @param region the region a shared-config profile names, or null
 */
public record AwsIdentity(SigV4Signer.Credentials credentials, Instant refreshAt, String region) {
    /** Credentials that never need refreshing (static keys). */
    static AwsIdentity permanent(SigV4Signer.Credentials credentials) {
        return new AwsIdentity(credentials, Instant.MAX, null);
    }
}
