package com.acme.mpc.gateway.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.acme.mpc.gateway.testsupport.PackagedApps;
import com.acme.mpc.gateway.testsupport.RealStack;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Deployments added at run time (LiteLLM's store_model_in_db) with the packaged gateway, a second gateway replica and
 * the real cost-tracker on PostgreSQL: a model added through gateway A is served by A at once and by B after its
 * refresh, listed by /model/info with db_model true and without its credential; an update and a delete take effect on
 * both; config-file deployments cannot be changed through the API; a deployment the gateway could not serve is
 * refused with 400 naming the field. Skipped without both packaged apps or PostgreSQL.
 */
class StoredModelsIT {
    private static final String MASTER = "sk-stored-models-it-master";
    private static final String SECRET = "sk-upstream-stored-secret-7f3a9c1e";

    private static String chat(String model) {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    }

    private static String content(HttpResponse<String> r) {
        return RealStack.json(r)
                .path("choices")
                .path(0)
                .path("message")
                .path("content")
                .asText();
    }

    @Test
    void storedModelsAreServedByEveryReplicaAndChangeWithoutRestart() throws Exception {
        String why = RealStack.unavailable();
        assumeTrue(why == null, why + ": test skipped");
        String yaml = """
                model_list:
                  - model_name: file-chat
                    litellm_params: {model: openai/gpt-4o-mini, mock_response: "From the file."}
                    model_info: {id: file-chat-1}
                general_settings: {master_key: %s}
                """.formatted(MASTER);
        try (RealStack stack =
                new RealStack(MASTER, yaml, Map.of("GATEWAY_COST_TRACKER_STORED_MODELS_REFRESH", "500ms"))) {
            String a = stack.gateway;
            String b = stack.startReplica();

            // not yet there
            assertThat(stack.call(a, "/v1/chat/completions", MASTER, chat("run-time-chat"))
                            .statusCode())
                    .isEqualTo(404);

            HttpResponse<String> created = stack.admin(a, "/model/new", """
                    {"model_name": "run-time-chat",
                     "litellm_params": {"model": "openai/gpt-4o-mini", "mock_response": "Stored answer.",
                                        "api_key": "%s", "rpm": 100},
                     "model_info": {"id": "rt-1", "input_cost_per_token": 0.000001, "access_groups": ["beta"]}}
                    """.formatted(SECRET));
            assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
            assertThat(created.body()).doesNotContain(SECRET);
            JsonNode row = RealStack.json(created);
            assertThat(row.path("model_id").asText()).isEqualTo("rt-1");
            assertThat(row.path("model_info").path("db_model").asBoolean()).isTrue();
            assertThat(row.path("litellm_params").path("api_key").asText()).isEqualTo("****9c1e");

            // A serves it at once; B after its refresh
            HttpResponse<String> onA = stack.call(a, "/v1/chat/completions", MASTER, chat("run-time-chat"));
            assertThat(onA.statusCode()).as(onA.body()).isEqualTo(200);
            assertThat(content(onA)).isEqualTo("Stored answer.");
            PackagedApps.await(
                    () -> stack.call(b, "/v1/chat/completions", MASTER, chat("run-time-chat"))
                                    .statusCode()
                            == 200,
                    Duration.ofSeconds(20),
                    "replica B serving the stored model");
            assertThat(content(stack.call(b, "/v1/chat/completions", MASTER, chat("run-time-chat"))))
                    .isEqualTo("Stored answer.");

            // listed with LiteLLM's db_model flag, never with the credential
            for (String gw : new String[] {a, b}) {
                HttpResponse<String> info = stack.admin(gw, "/model/info", null);
                assertThat(info.body()).doesNotContain(SECRET);
                JsonNode data = RealStack.json(info).path("data");
                assertThat(data.size()).isEqualTo(2);
                for (JsonNode d : data) {
                    boolean stored = d.path("model_info").path("id").asText().equals("rt-1");
                    assertThat(d.path("model_info").path("db_model").asBoolean())
                            .isEqualTo(stored);
                }
                JsonNode v2 = RealStack.json(stack.admin(gw, "/v2/model/info?model=run-time-chat", null))
                        .path("data");
                assertThat(v2.size()).isEqualTo(1);
                assertThat(v2.path(0).path("litellm_params").path("rpm").asInt())
                        .isEqualTo(100);
            }
            // encrypted at rest (key derived from the master key here); the replicas above got it in clear
            try (Connection c = stack.db();
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery(
                            "SELECT litellm_params->>'api_key' FROM stored_models WHERE model_id = 'rt-1'")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).startsWith("enc:v1:").doesNotContain(SECRET);
            }

            // a team's models restrict its keys (here: not the stored model); a key's alias names a group
            String teamId = RealStack.json(stack.admin(
                            a,
                            "/team/new",
                            "{\"team_alias\":\"file-only\"," + "\"models\":[\"file-chat\"],\"rpm_limit\":100}"))
                    .path("team_id")
                    .asText();
            String teamKey = RealStack.json(stack.admin(
                            a,
                            "/key/generate",
                            "{\"team_id\":\"" + teamId + "\",\"aliases\":{\"my-chat\":\"file-chat\"}}"))
                    .path("key")
                    .asText();
            HttpResponse<String> denied = stack.call(a, "/v1/chat/completions", teamKey, chat("run-time-chat"));
            assertThat(denied.statusCode()).as(denied.body()).isEqualTo(401);
            assertThat(RealStack.json(denied).path("error").path("code").asText())
                    .isEqualTo("team_model_access_denied");
            assertThat(content(stack.call(a, "/v1/chat/completions", teamKey, chat("my-chat"))))
                    .isEqualTo("From the file.");

            // a deployment the gateway could not serve is refused, naming the field
            HttpResponse<String> bad = stack.admin(a, "/model/new", """
                    {"model_name": "bad", "litellm_params": {"model": "openai/x", "api_base": "ftp://nowhere"}}""");
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(RealStack.json(bad).path("error").path("param").asText()).isEqualTo("litellm_params.api_base");
            assertThat(stack.admin(
                                    a,
                                    "/model/new",
                                    "{\"model_name\":\"x\",\"litellm_params\":{\"model\":\"nosuch/x\"}}")
                            .statusCode())
                    .isEqualTo(400);
            // config-file deployments are not the API's to change (LiteLLM answers an error too)
            HttpResponse<String> fileUpdate = stack.admin(
                    a, "/model/update", "{\"model_info\":{\"id\":\"file-chat-1\"},\"litellm_params\":{\"rpm\":1}}");
            assertThat(fileUpdate.statusCode()).isEqualTo(400);
            assertThat(RealStack.json(fileUpdate).path("error").path("type").asText())
                    .isEqualTo("invalid_request_error");
            assertThat(stack.admin(a, "/model/delete", "{\"id\":\"file-chat-1\"}")
                            .statusCode())
                    .isEqualTo(400);
            assertThat(stack.admin(a, "/model/new", """
                            {"model_name": "x", "litellm_params": {"model": "openai/x", "mock_response": "x"},
                             "model_info": {"id": "file-chat-1"}}""").statusCode()).isEqualTo(400);
            // the master key is required
            assertThat(stack.call(a, "/model/new", null, "{}").statusCode()).isEqualTo(401);
            assertThat(stack.call(a, "/model/delete", "sk-not-master", "{\"id\":\"rt-1\"}")
                            .statusCode())
                    .isEqualTo(401);

            // update: the masked credential sent back keeps the stored one; A answers the new text at once
            HttpResponse<String> updated = stack.admin(a, "/model/update", """
                    {"litellm_params": {"mock_response": "Updated answer.", "api_key": "****9c1e"},
                     "model_info": {"id": "rt-1"}}""");
            assertThat(updated.statusCode()).as(updated.body()).isEqualTo(200);
            assertThat(content(stack.call(a, "/v1/chat/completions", MASTER, chat("run-time-chat"))))
                    .isEqualTo("Updated answer.");
            PackagedApps.await(
                    () -> content(stack.call(b, "/v1/chat/completions", MASTER, chat("run-time-chat")))
                            .equals("Updated answer."),
                    Duration.ofSeconds(20),
                    "replica B serving the update");
            try (Connection c = stack.db();
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery(
                            "SELECT litellm_params->>'api_key' FROM stored_models WHERE model_id = 'rt-1'")) {
                assertThat(rs.next()).isTrue();
                // the update sent the credential back masked: the same credential is kept (encrypted anew)
                assertThat(rs.getString(1)).startsWith("enc:v1:").doesNotContain(SECRET);
            }
            HttpResponse<String> internal = stack.admin(stack.costTracker, "/internal/models", null);
            assertThat(internal.statusCode()).isEqualTo(200);
            assertThat(internal.body()).contains(SECRET);
            // an update the gateway could not serve is refused and changes nothing
            assertThat(stack.admin(
                                    a,
                                    "/model/update",
                                    "{\"litellm_params\":{\"rpm\":-3},\"model_info\":{\"id\":\"rt-1\"}}")
                            .statusCode())
                    .isEqualTo(400);

            // delete: gone from A at once, from B after its refresh; the file's model still serves
            HttpResponse<String> deleted = stack.admin(a, "/model/delete", "{\"id\":\"rt-1\"}");
            assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(200);
            HttpResponse<String> gone = stack.call(a, "/v1/chat/completions", MASTER, chat("run-time-chat"));
            assertThat(gone.statusCode()).isEqualTo(404);
            assertThat(RealStack.json(gone).path("error").path("code").asText()).isEqualTo("model_not_found");
            PackagedApps.await(
                    () -> stack.call(b, "/v1/chat/completions", MASTER, chat("run-time-chat"))
                                    .statusCode()
                            == 404,
                    Duration.ofSeconds(20),
                    "replica B dropping the deleted model");
            assertThat(stack.admin(a, "/model/delete", "{\"id\":\"rt-1\"}").statusCode())
                    .isEqualTo(404);
            assertThat(content(stack.call(b, "/v1/chat/completions", MASTER, chat("file-chat"))))
                    .isEqualTo("From the file.");
        }
    }
}
