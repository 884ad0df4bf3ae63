package com.acme.mpc.gateway.provider.vertex;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Service-account keys made for a test (a fresh RSA key pair, written as the JSON file Google issues) and the token
 * endpoint's side of the JWT bearer grant: decoding the assertion and verifying its RS256 signature with the public key.
 */
final class TestServiceAccounts {
    private TestServiceAccounts() {}

    /** One account: its key pair and the key file. */
    record Account(String clientEmail, String privateKeyId, KeyPair keys, String json, Path file) {}

    static Account create(String clientEmail, String projectId, String tokenUri) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair keys = generator.generateKeyPair();
            String pem = "-----BEGIN PRIVATE KEY-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                            .encodeToString(keys.getPrivate().getEncoded())
                    + "\n-----END PRIVATE KEY-----\n";
            String keyId = "kid-" + Integer.toHexString(clientEmail.hashCode());
            String json = new JsonObject()
                    .put("type", "service_account")
                    .put("project_id", projectId)
                    .put("private_key_id", keyId)
                    .put("private_key", pem)
                    .put("client_email", clientEmail)
                    .put("client_id", "1234567890")
                    .put("auth_uri", "https://accounts.google.com/o/oauth2/auth")
                    .put("token_uri", tokenUri)
                    .encodePrettily();
            Path file = Files.createTempFile("vertex-sa-", ".json");
            Files.writeString(file, json);
            file.toFile().deleteOnExit();
            return new Account(clientEmail, keyId, keys, json, file);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A decoded assertion: header, claims, and whether the signature verifies with {@code key}. */
    record Jwt(JsonObject header, JsonObject claims, boolean signatureValid) {}

    static Jwt decode(String assertion, PublicKey key) {
        String[] parts = assertion.split("\\.");
        if (parts.length != 3) {
            throw new IllegalArgumentException("not a JWS compact serialization: " + parts.length + " parts");
        }
        Base64.Decoder b64 = Base64.getUrlDecoder();
        JsonObject header = new JsonObject(new String(b64.decode(parts[0]), StandardCharsets.UTF_8));
        JsonObject claims = new JsonObject(new String(b64.decode(parts[1]), StandardCharsets.UTF_8));
        try {
            Signature rs256 = Signature.getInstance("SHA256withRSA");
            rs256.initVerify(key);
            rs256.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            return new Jwt(header, claims, rs256.verify(b64.decode(parts[2])));
        } catch (GeneralSecurityException e) {
            return new Jwt(header, claims, false);
        }
    }

    /** What is wrong with an assertion of {@code account} for {@code tokenUri}; empty when Google would accept it. */
    static List<String> problems(Jwt jwt, Account account, String tokenUri, long nowSeconds) {
        List<String> out = new ArrayList<>();
        check(out, jwt.signatureValid(), "RS256 signature does not verify");
        check(
                out,
                "RS256".equals(jwt.header().getString("alg")),
                "alg " + jwt.header().getString("alg"));
        check(out, account.privateKeyId().equals(jwt.header().getString("kid")), "kid " + jwt.header());
        JsonObject c = jwt.claims();
        check(out, account.clientEmail().equals(c.getString("iss")), "iss " + c.getString("iss"));
        check(
                out,
                "https://www.googleapis.com/auth/cloud-platform".equals(c.getString("scope")),
                "scope " + c.getString("scope"));
        check(out, tokenUri.equals(c.getString("aud")), "aud " + c.getString("aud"));
        long iat = c.getLong("iat", 0L);
        check(out, Math.abs(iat - nowSeconds) <= 60, "iat " + iat + " is not now (" + nowSeconds + ")");
        check(out, c.getLong("exp", 0L) == iat + 3600, "exp " + c.getLong("exp") + " is not iat + 3600");
        return out;
    }

    private static void check(List<String> out, boolean ok, String problem) {
        if (!ok) {
            out.add(problem);
        }
    }
}
