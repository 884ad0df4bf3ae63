package com.acme.mpc.cost.models;

import static com.acme.mpc.cost.TestSupport.admin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import com.acme.mpc.cost.TestDatabase;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * Stored models' credentials at rest in PostgreSQL: encrypted in the table, in clear only in /internal/models; rows
 * written in clear before still served; a credential encrypted with another key keeps its model out of
 * /internal/models without failing the admin routes.
 */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class StoredModelEncryptionTest {
    private static final String SECRET = "sk-upstream-secret-0123456789abcd";

    @Inject
    AgroalDataSource ds;

    @Inject
    ObjectMapper mapper;

    @Test
    void credentialsAreEncryptedInTheTableAndClearForTheGateway() throws Exception {
        String a =
                create(Map.of("model", "openai/gpt-4o-mini", "api_key", SECRET, "api_base", "http://127.0.0.1:9/v1"));
        String b = create(Map.of(
                "model",
                "bedrock/anthropic.claude",
                "aws_access_key_id",
                "os.environ/AWS_ACCESS_KEY_ID",
                "aws_secret_access_key",
                SECRET,
                "aws_session_token",
                "os.environ/AWS_SESSION_TOKEN"));

        JsonNode storedA = storedParams(a);
        String cipherA = storedA.get("api_key").textValue();
        assertThat(cipherA).startsWith("enc:v1:");
        assertThat(storedA.toString())
                .doesNotContain(SECRET)
                .doesNotContain(Base64.getEncoder().encodeToString(SECRET.getBytes(StandardCharsets.UTF_8)));
        assertThat(storedA.get("api_base").textValue()).isEqualTo("http://127.0.0.1:9/v1");

        JsonNode storedB = storedParams(b);
        String cipherB = storedB.get("aws_secret_access_key").textValue();
        assertThat(cipherB).startsWith("enc:v1:").isNotEqualTo(cipherA);
        // os.environ/ references name a variable: stored as written
        assertThat(storedB.get("aws_access_key_id").textValue()).isEqualTo("os.environ/AWS_ACCESS_KEY_ID");
        assertThat(storedB.get("aws_session_token").textValue()).isEqualTo("os.environ/AWS_SESSION_TOKEN");

        Map<String, Map<String, Object>> internal = internalParams();
        assertThat(internal.get(a).get("api_key")).isEqualTo(SECRET);
        assertThat(internal.get(b).get("aws_secret_access_key")).isEqualTo(SECRET);
        assertThat(internal.get(b).get("aws_session_token")).isEqualTo("os.environ/AWS_SESSION_TOKEN");

        // an update that sends the credential back masked keeps it (re-encrypted, still the same clear value)
        admin().body(Map.of("litellm_params", Map.of("api_key", "****abcd", "rpm", 7), "model_info", Map.of("id", a)))
                .post("/model/update")
                .then()
                .statusCode(200)
                .body("litellm_params.api_key", equalTo("****abcd"))
                .body(not(containsString(SECRET)));
        assertThat(storedParams(a).get("api_key").textValue()).startsWith("enc:v1:");
        assertThat(internalParams().get(a).get("api_key")).isEqualTo(SECRET);
        // a new credential replaces it, encrypted
        admin().body(Map.of(
                        "litellm_params",
                        Map.of("api_key", "sk-rotated-0000000000000000wxyz"),
                        "model_info",
                        Map.of("id", a)))
                .post("/model/update")
                .then()
                .statusCode(200)
                .body("litellm_params.api_key", equalTo("****wxyz"));
        assertThat(storedParams(a).toString()).doesNotContain("sk-rotated");
        assertThat(internalParams().get(a).get("api_key")).isEqualTo("sk-rotated-0000000000000000wxyz");
    }

    @Test
    void aCredentialWrittenInClearBeforeIsStillServed() throws Exception {
        String id = "legacy-" + UUID.randomUUID();
        insert(id, mapper.createObjectNode().put("model", "openai/gpt-4o").put("api_key", SECRET));
        assertThat(internalParams().get(id).get("api_key")).isEqualTo(SECRET);
        // the next update writes it encrypted
        admin().body(Map.of("litellm_params", Map.of("rpm", 1), "model_info", Map.of("id", id)))
                .post("/model/update")
                .then()
                .statusCode(200)
                .body("litellm_params.api_key", equalTo("****abcd"));
        assertThat(storedParams(id).get("api_key").textValue()).startsWith("enc:v1:");
        assertThat(internalParams().get(id).get("api_key")).isEqualTo(SECRET);
    }

    @Test
    void aCredentialEncryptedWithAnotherKeyIsSkippedNotA5xx() throws Exception {
        String id = "other-key-" + UUID.randomUUID();
        CredentialCipher other =
                new CredentialCipher(Optional.of("a-salt-key-since-changed"), Optional.empty(), mapper);
        ObjectNode params =
                mapper.createObjectNode().put("model", "openai/gpt-4o").put("api_key", SECRET);
        ObjectNode sealed = other.seal(id, params, Map.of());
        insert(id, sealed);
        String served = create(Map.of("model", "openai/gpt-4o-mini", "api_key", SECRET));

        List<LogRecord> errors = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getLevel().intValue() >= Level.SEVERE.intValue()) {
                    errors.add(r);
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        Logger logger = Logger.getLogger(StoredModelResource.class.getName());
        logger.addHandler(capture);
        Map<String, Map<String, Object>> internal;
        try {
            internal = internalParams();
        } finally {
            logger.removeHandler(capture);
        }
        assertThat(internal).doesNotContainKey(id).containsKey(served);
        assertThat(errors).anySatisfy(r -> assertThat(formatted(r)).contains(id).contains("api_key"));

        // the admin routes still answer, masked; an update that keeps the credential leaves the stored value alone
        admin().body(Map.of("litellm_params", Map.of("api_key", "****", "rpm", 3), "model_info", Map.of("id", id)))
                .post("/model/update")
                .then()
                .statusCode(200)
                .body("litellm_params.api_key", equalTo("****"))
                .body("litellm_params.rpm", equalTo(3));
        assertThat(storedParams(id).get("api_key").textValue())
                .isEqualTo(sealed.get("api_key").textValue());
        // setting the credential again makes it servable
        admin().body(Map.of("litellm_params", Map.of("api_key", SECRET), "model_info", Map.of("id", id)))
                .post("/model/update")
                .then()
                .statusCode(200);
        assertThat(internalParams().get(id).get("api_key")).isEqualTo(SECRET);
        admin().body(Map.of("id", id)).post("/model/delete").then().statusCode(200);
    }

    private static String formatted(LogRecord r) {
        Object[] p = r.getParameters();
        String m = r.getMessage();
        return p == null ? m : m + " " + java.util.Arrays.toString(p);
    }

    private String create(Map<String, Object> params) {
        String id = "enc-" + UUID.randomUUID();
        admin().body(Map.of("model_name", "enc-test", "litellm_params", params, "model_info", Map.of("id", id)))
                .post("/model/new")
                .then()
                .statusCode(200)
                .body(not(containsString(SECRET)));
        return id;
    }

    private Map<String, Map<String, Object>> internalParams() {
        List<Map<String, Object>> data = admin().get("/internal/models")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("data");
        Map<String, Map<String, Object>> out = new java.util.HashMap<>();
        for (Map<String, Object> m : data) {
            @SuppressWarnings("unchecked")
            Map<String, Object> params = (Map<String, Object>) m.get("litellm_params");
            out.put((String) ((Map<?, ?>) m.get("model_info")).get("id"), params);
        }
        return out;
    }

    private JsonNode storedParams(String id) throws Exception {
        try (Connection c = ds.getConnection();
                PreparedStatement ps =
                        c.prepareStatement("SELECT litellm_params::text FROM stored_models WHERE model_id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return mapper.readTree(rs.getString(1));
            }
        }
    }

    private void insert(String id, ObjectNode params) throws Exception {
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement("INSERT INTO stored_models (model_id, model_name,"
                        + " litellm_params) VALUES (?, 'enc-test', ?::jsonb)")) {
            ps.setString(1, id);
            ps.setString(2, params.toString());
            ps.executeUpdate();
        }
    }
}
