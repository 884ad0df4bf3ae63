package com.acme.mpc.gateway.provider.vertex;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.util.Base64;

/**
 * The signed assertion of OAuth2's JWT bearer grant (RFC 7523) as Google's token endpoint expects it from a service
 * account: RS256 with the key's id in the header, the account as issuer, the token endpoint as audience, valid one
 * hour, for the {@code cloud-platform} scope (which covers Vertex AI).
 */
final class ServiceAccountJwt {
    static final String SCOPE = "https://www.googleapis.com/auth/cloud-platform";
    static final long LIFETIME_SECONDS = 3600;
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private ServiceAccountJwt() {}

    static String assertion(ServiceAccount account, long nowSeconds) {
        ObjectNode header = JsonNodeFactory.instance
                .objectNode()
                .put("alg", "RS256")
                .put("typ", "JWT")
                .put("kid", account.privateKeyId());
        ObjectNode claims = JsonNodeFactory.instance
                .objectNode()
                .put("iss", account.clientEmail())
                .put("scope", SCOPE)
                .put("aud", account.tokenUri())
                .put("iat", nowSeconds)
                .put("exp", nowSeconds + LIFETIME_SECONDS);
        String signingInput = encode(header.toString()) + "." + encode(claims.toString());
        try {
            Signature rs256 = Signature.getInstance("SHA256withRSA");
            rs256.initSign(account.privateKey());
            rs256.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + B64.encodeToString(rs256.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("RS256 signing failed for " + account.clientEmail(), e);
        }
    }

    private static String encode(String json) {
        return B64.encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}
