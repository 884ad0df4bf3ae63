package com.acme.mpc.cost.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** AES-256-GCM of stored models' credentials: key choice, nonces, tamper and wrong-key detection. */
class CredentialCipherTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String SECRET = "sk-upstream-secret-0123456789abcd";

    private static CredentialCipher cipher(String salt, String master) {
        return new CredentialCipher(Optional.ofNullable(salt), Optional.ofNullable(master), MAPPER);
    }

    @Test
    void sealsCredentialsOnlyAndOpensThemBack() throws Exception {
        CredentialCipher c = cipher("salt-1", "master");
        ObjectNode params = MAPPER.createObjectNode()
                .put("model", "openai/gpt-4o")
                .put("api_base", "http://127.0.0.1:9/v1")
                .put("api_key", SECRET)
                .put("aws_secret_access_key", "os.environ/AWS_SECRET");
        params.putObject("vertex_credentials").put("private_key", "-----BEGIN-----x");
        ObjectNode sealed = c.seal("m1", params, Map.of());
        assertThat(sealed.get("model").textValue()).isEqualTo("openai/gpt-4o");
        assertThat(sealed.get("api_base").textValue()).isEqualTo("http://127.0.0.1:9/v1");
        assertThat(sealed.get("aws_secret_access_key").textValue()).isEqualTo("os.environ/AWS_SECRET");
        assertThat(sealed.get("api_key").textValue()).startsWith("enc:v1:");
        assertThat(sealed.get("vertex_credentials").textValue()).startsWith("enc:v1:");
        assertThat(sealed.toString())
                .doesNotContain(SECRET)
                .doesNotContain(Base64.getEncoder().encodeToString(SECRET.getBytes(StandardCharsets.UTF_8)));

        CredentialCipher.Opened opened = c.open("m1", sealed);
        assertThat(opened.unreadable()).isEmpty();
        assertThat(opened.params()).isEqualTo(params);
    }

    @Test
    void twoEncryptionsOfTheSameValueDiffer() throws Exception {
        CredentialCipher c = cipher("salt-1", null);
        String a = c.encrypt("m1", "api_key", TextNode.valueOf(SECRET));
        String b = c.encrypt("m1", "api_key", TextNode.valueOf(SECRET));
        assertThat(a).isNotEqualTo(b);
        assertThat(c.decrypt("m1", "api_key", a).textValue()).isEqualTo(SECRET);
        assertThat(c.decrypt("m1", "api_key", b).textValue()).isEqualTo(SECRET);
    }

    @Test
    void theSaltKeyWinsOverTheMasterKeyAndAWrongKeyIsDetected() {
        String bySalt = cipher("salt-1", "master").encrypt("m1", "api_key", TextNode.valueOf(SECRET));
        assertThatThrownBy(() -> cipher(null, "master").decrypt("m1", "api_key", bySalt))
                .isInstanceOf(CredentialCipher.UnreadableCredential.class);
        assertThatThrownBy(() -> cipher("salt-2", "master").decrypt("m1", "api_key", bySalt))
                .isInstanceOf(CredentialCipher.UnreadableCredential.class);
        assertThatThrownBy(() -> cipher(null, null).decrypt("m1", "api_key", bySalt))
                .isInstanceOf(CredentialCipher.UnreadableCredential.class);

        String byMaster = cipher(null, "master").encrypt("m1", "api_key", TextNode.valueOf(SECRET));
        ObjectNode stored = MAPPER.createObjectNode().put("api_key", byMaster);
        assertThat(cipher(null, "master")
                        .open("m1", stored)
                        .params()
                        .get("api_key")
                        .textValue())
                .isEqualTo(SECRET);
        CredentialCipher.Opened wrong = cipher("salt-1", "master").open("m1", stored);
        assertThat(wrong.unreadable()).containsExactly("api_key");
        assertThat(wrong.params().get("api_key").textValue()).isEqualTo(byMaster);
    }

    @Test
    void aCiphertextMovedToAnotherModelOrFieldOrAlteredDoesNotDecrypt() {
        CredentialCipher c = cipher("salt-1", null);
        String v = c.encrypt("m1", "api_key", TextNode.valueOf(SECRET));
        assertThatThrownBy(() -> c.decrypt("m2", "api_key", v))
                .isInstanceOf(CredentialCipher.UnreadableCredential.class);
        assertThatThrownBy(() -> c.decrypt("m1", "aws_session_token", v))
                .isInstanceOf(CredentialCipher.UnreadableCredential.class);
        char last = v.charAt(v.length() - 3);
        String altered = v.substring(0, v.length() - 3) + (last == 'A' ? 'B' : 'A') + v.substring(v.length() - 2);
        assertThatThrownBy(() -> c.decrypt("m1", "api_key", altered))
                .isInstanceOf(CredentialCipher.UnreadableCredential.class);
        assertThatThrownBy(() -> c.decrypt("m1", "api_key", "enc:v1:not base64!"))
                .isInstanceOf(CredentialCipher.UnreadableCredential.class);
        assertThatThrownBy(() -> c.decrypt("m1", "api_key", "enc:v1:"))
                .isInstanceOf(CredentialCipher.UnreadableCredential.class);
    }

    @Test
    void withoutAnyKeyValuesStayInClear() {
        ObjectNode params = MAPPER.createObjectNode().put("model", "openai/x").put("api_key", SECRET);
        assertThat(cipher(null, null).seal("m1", params, Map.of())).isEqualTo(params);
        assertThat(cipher(null, null).open("m1", params).params()).isEqualTo(params);
    }
}
