package com.acme.mpc.cost.models;

import com.acme.mpc.cost.admin.EntityStore;
import com.acme.mpc.cost.api.ApiException;
import com.acme.mpc.cost.db.Db;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Deployments added at run time (LiteLLM's {@code /model/new}, {@code /model/update}, {@code /model/delete}) in
 * PostgreSQL. Only the shape is checked here (model_name, litellm_params.model, model_info.id); the gateway checks a
 * deployment by its config rules before it sends one, and skips (with a warning) a stored entry it cannot serve.
 */
@ApplicationScoped
public class StoredModelStore {
    /** Largest stored entry (JSON characters). */
    static final int MAX_ENTRY_CHARS = 65_536;

    /** Longest model_name or model id. */
    static final int MAX_NAME_CHARS = 256;

    private final AgroalDataSource ds;
    private final ObjectMapper mapper;
    private final CredentialCipher cipher;

    public StoredModelStore(AgroalDataSource ds, ObjectMapper mapper, CredentialCipher cipher) {
        this.ds = ds;
        this.mapper = mapper;
        this.cipher = cipher;
    }

    /**
     * One stored deployment, credentials in clear; {@code unreadable} names the credentials that did not decrypt
     * (kept encrypted in {@code litellmParams}): such a deployment cannot be served.
     */
    public record StoredModel(
            String id,
            String modelName,
            ObjectNode litellmParams,
            ObjectNode modelInfo,
            OffsetDateTime createdAt,
            String createdBy,
            OffsetDateTime updatedAt,
            String updatedBy,
            Set<String> unreadable) {

        /** As the gateway serves it: a model_list entry (model_info.id set). */
        public ObjectNode entry(ObjectMapper mapper) {
            ObjectNode o = mapper.createObjectNode();
            o.put("model_name", modelName);
            o.set("litellm_params", litellmParams);
            ObjectNode info = modelInfo.deepCopy();
            info.put("id", id);
            o.set("model_info", info);
            return o;
        }

        /** As the admin routes answer (LiteLLM's stored model row): credentials masked. */
        public Map<String, Object> view(ObjectMapper mapper) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("model_id", id);
            out.put("model_name", modelName);
            ObjectNode params = CredentialMask.masked(litellmParams);
            unreadable.forEach(f -> params.put(f, CredentialMask.MASK));
            out.put("litellm_params", params);
            ObjectNode info = modelInfo.deepCopy();
            info.put("id", id);
            info.put("db_model", true);
            out.put("model_info", info);
            out.put("created_at", createdAt.toString());
            out.put("created_by", createdBy);
            out.put("updated_at", updatedAt.toString());
            out.put("updated_by", updatedBy);
            return out;
        }
    }

    /** Stores a new deployment; model_info.id is generated when absent. 400 for a bad shape or a taken id. */
    public StoredModel create(JsonNode body) {
        ObjectNode entry = shape(body);
        String modelName = modelName(entry.get("model_name"));
        ObjectNode params = params(entry.get("litellm_params"));
        ObjectNode info = info(entry.get("model_info"));
        String id =
                info.hasNonNull("id") ? id(info.get("id")) : UUID.randomUUID().toString();
        info.remove("id");
        checkSize(modelName, params, info);
        return Db.tx(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO stored_models (model_id, model_name, litellm_params, model_info, created_by, updated_by)"
                            + " VALUES (?, ?, ?::jsonb, ?::jsonb, 'master', 'master') ON CONFLICT (model_id) DO NOTHING")) {
                ps.setString(1, id);
                ps.setString(2, modelName);
                ps.setString(3, cipher.seal(id, params, Map.of()).toString());
                ps.setString(4, info.toString());
                if (ps.executeUpdate() == 0) {
                    throw ApiException.badRequest(
                            "a stored model with id '" + id + "' already exists", "model_info.id");
                }
            }
            return find(c, id);
        });
    }

    /**
     * LiteLLM's update: {@code model_info.id} names the deployment; a given model_name replaces it, litellm_params and
     * model_info are merged field by field (null removes a field). A credential sent back masked keeps its stored value.
     */
    public StoredModel update(JsonNode body) {
        ObjectNode entry = shape(body);
        JsonNode infoNode = entry.get("model_info");
        if (infoNode == null || !infoNode.isObject() || !infoNode.hasNonNull("id")) {
            throw ApiException.badRequest("model_info.id is required (the stored model to update)", "model_info.id");
        }
        String id = id(infoNode.get("id"));
        return Db.tx(ds, c -> {
            StoredModel current = findForUpdate(c, id);
            if (current == null) {
                throw notFound(id);
            }
            String modelName =
                    entry.hasNonNull("model_name") ? modelName(entry.get("model_name")) : current.modelName();
            ObjectNode params = current.litellmParams().deepCopy();
            if (entry.hasNonNull("litellm_params")) {
                ObjectNode changes = params(entry.get("litellm_params"), false);
                for (Iterator<Map.Entry<String, JsonNode>> it = changes.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    if (e.getValue().isNull()) {
                        params.remove(e.getKey());
                    } else if (!(CredentialMask.isCredential(e.getKey()) && CredentialMask.isMasked(e.getValue()))) {
                        params.set(e.getKey(), e.getValue());
                    }
                }
                params(params);
            }
            ObjectNode info = current.modelInfo().deepCopy();
            for (Iterator<Map.Entry<String, JsonNode>> it = info(infoNode).fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().equals("id") || e.getKey().equals("db_model")) {
                    continue;
                }
                if (e.getValue().isNull()) {
                    info.remove(e.getKey());
                } else {
                    info.set(e.getKey(), e.getValue());
                }
            }
            checkSize(modelName, params, info);
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE stored_models SET model_name = ?, litellm_params ="
                            + " ?::jsonb, model_info = ?::jsonb, updated_at = now(), updated_by = 'master' WHERE model_id = ?")) {
                ps.setString(1, modelName);
                // a credential that did not decrypt and was sent back masked is written back as stored
                Map<String, JsonNode> keep = new HashMap<>();
                current.unreadable()
                        .forEach(f -> keep.put(f, current.litellmParams().get(f)));
                ps.setString(2, cipher.seal(id, params, keep).toString());
                ps.setString(3, info.toString());
                ps.setString(4, id);
                ps.executeUpdate();
            }
            return find(c, id);
        });
    }

    /** Deletes the stored deployment; 404 when there is none with that id. */
    public void delete(String id) {
        int n = Db.tx(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM stored_models WHERE model_id = ?")) {
                ps.setString(1, id);
                return ps.executeUpdate();
            }
        });
        if (n == 0) {
            throw notFound(id);
        }
    }

    /** Every stored deployment, oldest first. */
    public List<StoredModel> list() {
        return Db.read(ds, c -> {
            List<StoredModel> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(SELECT + " ORDER BY created_at, model_id");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(row(rs));
                }
            }
            return out;
        });
    }

    private static final String SELECT = "SELECT model_id, model_name, litellm_params::text, model_info::text,"
            + " created_at, created_by, updated_at, updated_by FROM stored_models";

    private StoredModel find(Connection c, String id) throws SQLException {
        return one(c, SELECT + " WHERE model_id = ?", id);
    }

    private StoredModel findForUpdate(Connection c, String id) throws SQLException {
        return one(c, SELECT + " WHERE model_id = ? FOR UPDATE", id);
    }

    private StoredModel one(Connection c, String sql, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? row(rs) : null;
            }
        }
    }

    private StoredModel row(ResultSet rs) throws SQLException {
        String id = rs.getString(1);
        CredentialCipher.Opened params = cipher.open(id, object(rs.getString(3)));
        return new StoredModel(
                id,
                rs.getString(2),
                params.params(),
                object(rs.getString(4)),
                rs.getObject(5, OffsetDateTime.class),
                rs.getString(6),
                rs.getObject(7, OffsetDateTime.class),
                rs.getString(8),
                params.unreadable());
    }

    private ObjectNode object(String json) throws SQLException {
        try {
            return (ObjectNode) mapper.readTree(json);
        } catch (IOException e) {
            throw new SQLException("stored model column is not a JSON object", e);
        }
    }

    static ApiException notFound(String id) {
        return new ApiException(
                404, "not_found_error", "no stored model with id '" + id + "'", "id", "model_not_found");
    }

    private static ObjectNode shape(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ApiException.badRequest(
                    "Body must be a JSON object: {model_name, litellm_params: {model, ...}, model_info: {...}}", null);
        }
        EntityStore.checkNoNul("body", body);
        return (ObjectNode) body;
    }

    private static String modelName(JsonNode v) {
        if (v == null || !v.isTextual() || v.textValue().isBlank()) {
            throw ApiException.badRequest("model_name is required (the public model name, its group)", "model_name");
        }
        if (v.textValue().length() > MAX_NAME_CHARS) {
            throw ApiException.badRequest("model_name is longer than " + MAX_NAME_CHARS + " characters", "model_name");
        }
        return v.textValue();
    }

    private static ObjectNode params(JsonNode v) {
        return params(v, true);
    }

    private static ObjectNode params(JsonNode v, boolean complete) {
        if (v == null || !v.isObject()) {
            throw ApiException.badRequest(
                    "litellm_params is required: an object with at least model (<provider>/<model>)", "litellm_params");
        }
        if (complete
                && (!v.path("model").isTextual() || v.path("model").textValue().isBlank())) {
            throw ApiException.badRequest(
                    "litellm_params.model is required (<provider>/<model>, e.g. openai/gpt-4o)",
                    "litellm_params.model");
        }
        return (ObjectNode) v;
    }

    private ObjectNode info(JsonNode v) {
        if (v == null || v.isNull()) {
            return mapper.createObjectNode();
        }
        if (!v.isObject()) {
            throw ApiException.badRequest("model_info must be an object", "model_info");
        }
        return ((ObjectNode) v).deepCopy();
    }

    private static String id(JsonNode v) {
        if (!v.isTextual() || v.textValue().isBlank() || v.textValue().length() > MAX_NAME_CHARS) {
            throw ApiException.badRequest(
                    "model_info.id must be a non-empty string of at most " + MAX_NAME_CHARS + " characters",
                    "model_info.id");
        }
        return v.textValue();
    }

    private static void checkSize(String modelName, ObjectNode params, ObjectNode info) {
        if (modelName.length() + params.toString().length() + info.toString().length() > MAX_ENTRY_CHARS) {
            throw ApiException.badRequest("stored model larger than " + MAX_ENTRY_CHARS + " characters", null);
        }
    }
}
