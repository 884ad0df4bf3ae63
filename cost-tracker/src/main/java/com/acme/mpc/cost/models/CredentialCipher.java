package com.acme.mpc.cost.models;

import com.acme.mpc.cost.CostTrackerConfig;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.jboss.logging.Logger;

/**
 * Credentials of stored models at rest: AES-256-GCM with a random 12-byte nonce per value, stored as
 * {@code enc:v1:<base64(nonce | ciphertext | tag)>}. The key is derived with HKDF-SHA256 from LITELLM_SALT_KEY
 * ({@code cost-tracker.salt-key}) or, as LiteLLM does without one, from the master key; with neither, values are
 * stored in clear (a warning at start). The plaintext is the value's JSON (a credential may be an object, e.g.
 * vertex_credentials), and the model id and field name are bound as associated data so that a ciphertext copied to
 * another row or field does not decrypt. Values that are not {@code enc:v1:} (rows written before, os.environ/
 * references) read as they are.
 */
@ApplicationScoped
public class CredentialCipher {
    private static final Logger LOG = Logger.getLogger(CredentialCipher.class);
    static final String PREFIX = "enc:v1:";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final byte[] HKDF_SALT = "mpc cost-tracker stored models".getBytes(StandardCharsets.UTF_8);
    private static final byte[] HKDF_INFO =
            "litellm_params credentials aes-256-gcm v1".getBytes(StandardCharsets.UTF_8);

    private final Optional<SecretKey> key;
    private final String source;
    private final ObjectMapper mapper;
    private final SecureRandom random = new SecureRandom();

    @Inject
    public CredentialCipher(CostTrackerConfig config, ObjectMapper mapper) {
        this(config.saltKey().filter(k -> !k.isBlank()), config.masterKey().filter(k -> !k.isBlank()), mapper);
    }

    CredentialCipher(Optional<String> saltKey, Optional<String> masterKey, ObjectMapper mapper) {
        this.mapper = mapper;
        Optional<String> secret = saltKey.or(() -> masterKey);
        this.key = secret.map(CredentialCipher::derive);
        this.source = saltKey.isPresent() ? "salt key" : masterKey.isPresent() ? "master key" : "none";
    }

    void onStart(@Observes StartupEvent ev) {
        if (key.isEmpty()) {
            LOG.warn("Neither LITELLM_SALT_KEY (cost-tracker.salt-key) nor LITELLM_MASTER_KEY is set: credentials of"
                    + " stored models (/model/new) are kept in clear in PostgreSQL.");
        } else if (source.equals("master key")) {
            LOG.info("LITELLM_SALT_KEY is not set: credentials of stored models are encrypted with a key derived from"
                    + " the master key; changing the master key makes them unreadable. Set LITELLM_SALT_KEY to keep"
                    + " them independent of it.");
        }
    }

    /** A credential could not be decrypted (the key changed, or the value was altered). */
    static final class UnreadableCredential extends Exception {
        UnreadableCredential(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Whether {@code v} is a credential value to encrypt: not null, not an os.environ/ reference. */
    static boolean isSecretValue(String field, JsonNode v) {
        return CredentialMask.isCredential(field)
                && v != null
                && !v.isNull()
                && !(v.isTextual() && v.textValue().startsWith("os.environ/"));
    }

    /**
     * A copy of {@code params} with every credential encrypted, except the fields in {@code keepAsStored} (values read
     * back still encrypted because they could not be decrypted, written back unchanged).
     */
    ObjectNode seal(String modelId, ObjectNode params, Map<String, JsonNode> keepAsStored) {
        ObjectNode out = params.deepCopy();
        for (Iterator<Map.Entry<String, JsonNode>> it = params.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode kept = keepAsStored.get(e.getKey());
            if (kept != null && kept.equals(e.getValue())) {
                continue;
            }
            if (key.isPresent() && isSecretValue(e.getKey(), e.getValue())) {
                out.set(e.getKey(), TextNode.valueOf(encrypt(modelId, e.getKey(), e.getValue())));
            }
        }
        return out;
    }

    /** {@code params} as stored, decrypted; fields that did not decrypt stay as stored and are named in the result. */
    Opened open(String modelId, ObjectNode stored) {
        ObjectNode out = stored.deepCopy();
        Set<String> unreadable = new HashSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = stored.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            if (!CredentialMask.isCredential(e.getKey())
                    || !v.isTextual()
                    || !v.textValue().startsWith(PREFIX)) {
                continue;
            }
            try {
                out.set(e.getKey(), decrypt(modelId, e.getKey(), v.textValue()));
            } catch (UnreadableCredential ex) {
                unreadable.add(e.getKey());
            }
        }
        return new Opened(out, Set.copyOf(unreadable));
    }

    /** Decrypted params and the credential fields that could not be decrypted (kept as stored). */
    record Opened(ObjectNode params, Set<String> unreadable) {}

    String encrypt(String modelId, String field, JsonNode value) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key.orElseThrow(), new GCMParameterSpec(TAG_BITS, nonce));
            c.updateAAD(aad(modelId, field));
            byte[] sealed = c.doFinal(mapper.writeValueAsBytes(value));
            byte[] out = ByteBuffer.allocate(nonce.length + sealed.length)
                    .put(nonce)
                    .put(sealed)
                    .array();
            return PREFIX + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("AES-GCM encryption failed", e);
        }
    }

    JsonNode decrypt(String modelId, String field, String stored) throws UnreadableCredential {
        if (key.isEmpty()) {
            throw new UnreadableCredential("encrypted, and neither a salt key nor a master key is set", null);
        }
        try {
            byte[] raw = Base64.getDecoder().decode(stored.substring(PREFIX.length()));
            if (raw.length < NONCE_BYTES + TAG_BITS / 8) {
                throw new UnreadableCredential("too short", null);
            }
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key.get(), new GCMParameterSpec(TAG_BITS, raw, 0, NONCE_BYTES));
            c.updateAAD(aad(modelId, field));
            byte[] plain = c.doFinal(raw, NONCE_BYTES, raw.length - NONCE_BYTES);
            return mapper.readTree(plain);
        } catch (IllegalArgumentException | GeneralSecurityException | IOException e) {
            throw new UnreadableCredential("does not decrypt with the configured key", e);
        }
    }

    private static byte[] aad(String modelId, String field) {
        return (modelId + "\u0000" + field).getBytes(StandardCharsets.UTF_8);
    }

    /** HKDF-SHA256 (RFC 5869), one 32-byte block. */
    static SecretKey derive(String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(HKDF_SALT, "HmacSHA256"));
            byte[] prk = mac.doFinal(secret.getBytes(StandardCharsets.UTF_8));
            mac.init(new SecretKeySpec(prk, "HmacSHA256"));
            mac.update(HKDF_INFO);
            mac.update((byte) 1);
            return new SecretKeySpec(mac.doFinal(), "AES");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HKDF-SHA256 unavailable", e);
        }
    }
}
