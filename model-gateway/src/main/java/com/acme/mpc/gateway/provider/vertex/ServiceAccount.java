package com.acme.mpc.gateway.provider.vertex;

import com.acme.mpc.gateway.core.GatewayException;
import com.acme.mpc.gateway.core.Json;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/**
 * A Google service-account key (the JSON file {@code gcloud iam service-accounts keys create} writes): who signs the
 * token requests, with which key, and where they go.
 *
 * @param tokenUri the OAuth2 token endpoint the JWT is addressed to and posted to
 */
record ServiceAccount(String clientEmail, String privateKeyId, String tokenUri, PrivateKey privateKey) {

    static final String DEFAULT_TOKEN_URI = "https://oauth2.googleapis.com/token";

    /** Parses the key file's JSON; a key that cannot sign is an authentication error naming the account, not the key. */
    static ServiceAccount parse(String json) {
        ObjectNode account = Json.objectOrNull(json);
        if (account == null || !"service_account".equals(account.path("type").asText())) {
            throw invalid("the Vertex AI credentials are not a service-account key");
        }
        String email = account.path("client_email").asText("");
        String tokenUri = account.path("token_uri").asText("");
        try {
            return new ServiceAccount(
                    email,
                    account.path("private_key_id").asText(""),
                    tokenUri.isBlank() ? DEFAULT_TOKEN_URI : tokenUri,
                    rsaKey(account.path("private_key").asText("")));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw invalid("the private_key of service account " + email + " is not a PEM PKCS#8 RSA key ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    private static PrivateKey rsaKey(String pem) throws GeneralSecurityException {
        String base64 = pem.replace("-----BEGIN PRIVATE KEY-----", "")
                .replace("-----END PRIVATE KEY-----", "")
                .replaceAll("\\s", "");
        byte[] der = Base64.getDecoder().decode(base64);
        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
    }

    private static GatewayException invalid(String message) {
        return new GatewayException(401, "authentication_error", "vertex_ai: " + message, null, null, false);
    }

    @Override
    public String toString() {
        // the private key is left out: records print all components by default
        return "ServiceAccount[" + clientEmail + " " + privateKeyId + "]";
    }
}
