package com.acme.mpc.gateway.provider.aws;

import com.acme.mpc.gateway.core.GatewayException;
import com.acme.mpc.gateway.core.SecretScrubber;
import com.acme.mpc.gateway.provider.http.RetryAfter;
import com.acme.mpc.gateway.provider.http.UpstreamStatusException;
import java.util.List;

/**
 * Why a deployment's AWS credentials could not be had, as OpenAI-shaped errors. STS answers are mapped as
 * {@code BedrockErrors} maps Bedrock's: throttling and STS outages are retriable (another deployment is tried and this
 * one cools down), rejected credentials are the deployment's authentication error, never the client's request error.
 * Messages name the role and STS's reason, never a secret.
 */
final class AwsCredentialErrors {
    private static final int MAX_MESSAGE = 1000;

    private AwsCredentialErrors() {}

    /** A local source (profile file, token file) that gives no usable credentials. */
    static GatewayException unusable(String reason) {
        return new GatewayException(
                401, "authentication_error", "bedrock: " + reason, null, "missing_provider_key", false);
    }

    /** A 2xx STS answer without a session. */
    static GatewayException badAnswer(String what, String reason) {
        return new GatewayException(
                502, "api_error", "bedrock: STS " + what + ": " + reason, null, "bad_upstream", true);
    }

    /** An STS {@code ErrorResponse}: {@code what} names the call ({@code AssumeRole for arn:...}). */
    static GatewayException fromSts(UpstreamStatusException e, String what, List<String> secrets) {
        StsXml.Error error = StsXml.error(e.body());
        String code = error == null ? "" : error.code();
        String detail = error == null || error.message().isEmpty() ? "HTTP " + e.status() : error.message();
        String message = "bedrock: STS " + what + " failed: " + (code.isEmpty() ? "" : code + ": ") + detail;
        if (message.length() > MAX_MESSAGE) {
            message = message.substring(0, MAX_MESSAGE) + "...";
        }
        for (String secret : secrets) {
            message = SecretScrubber.scrub(message, secret);
        }
        long retryAfter = RetryAfter.millis(e.headers());
        return switch (code) {
            case "Throttling", "ThrottlingException", "RequestLimitExceeded" ->
                new GatewayException(429, "rate_limit_error", message, null, "rate_limit_exceeded", true, retryAfter);
            case "IDPCommunicationError", "ServiceUnavailable", "InternalFailure" ->
                new GatewayException(503, "api_error", message, null, "overloaded", true, retryAfter);
            case "AccessDenied" -> new GatewayException(403, "permission_error", message, null, null, false);
            case "InvalidClientTokenId",
                    "SignatureDoesNotMatch",
                    "ExpiredToken",
                    "ExpiredTokenException",
                    "InvalidIdentityToken",
                    "IDPRejectedClaim",
                    "IncompleteSignature",
                    "MissingAuthenticationToken" ->
                new GatewayException(401, "authentication_error", message, null, null, false);
            default -> {
                if (e.status() == 429) {
                    yield new GatewayException(
                            429, "rate_limit_error", message, null, "rate_limit_exceeded", true, retryAfter);
                }
                if (e.status() >= 500) {
                    yield new GatewayException(503, "api_error", message, null, null, true, retryAfter);
                }
                // a malformed role ARN or a region STS is disabled in: the deployment's configuration, not the client
                yield new GatewayException(500, "api_error", message, null, null, true);
            }
        };
    }
}
