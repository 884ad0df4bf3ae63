package com.acme.mpc.cost.responses;

import com.acme.mpc.cost.api.ApiException;
import com.acme.mpc.cost.db.Db;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * The gateway's stored Responses API state (docs/contracts.md): one JSON document per response id and owner (the hash
 * of the key that created it). Master key only, like every internal route; a row is read and deleted only with its
 * owner, so a response id of one key is not found for another.
 */
@Path("/internal/responses/{id}")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.WILDCARD)
public class StoredResponsesResource {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_\\-]{1,200}");
    private static final Pattern OWNER = Pattern.compile("[A-Za-z0-9_\\-]{1,128}");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final DataSource ds;

    public StoredResponsesResource(DataSource ds) {
        this.ds = ds;
    }

    @PUT
    public Map<String, Object> store(@PathParam("id") String id, JsonNode body) {
        String rid = id(id);
        if (body == null || !body.isObject()) {
            throw ApiException.badRequest("Body must be {\"owner\":\"...\",\"document\":{...}}", null);
        }
        String owner = owner(body.path("owner").asText(null));
        JsonNode document = body.get("document");
        if (document == null || !document.isObject()) {
            throw ApiException.badRequest("document must be an object", "document");
        }
        String json;
        try {
            json = MAPPER.writeValueAsString(document);
        } catch (IOException e) {
            throw ApiException.badRequest("document is not valid JSON", "document");
        }
        Db.tx(ds, c -> {
            try (PreparedStatement ps =
                    c.prepareStatement("INSERT INTO stored_responses (owner, id, document) VALUES (?, ?, ?::jsonb) "
                            + "ON CONFLICT (owner, id) DO UPDATE SET document = EXCLUDED.document")) {
                ps.setString(1, owner);
                ps.setString(2, rid);
                ps.setString(3, json);
                return ps.executeUpdate();
            }
        });
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", rid);
        out.put("stored", true);
        return out;
    }

    @GET
    public Map<String, Object> read(@PathParam("id") String id, @QueryParam("owner") String owner) {
        String rid = id(id);
        String o = owner(owner);
        String document = Db.read(ds, c -> {
            try (PreparedStatement ps =
                    c.prepareStatement("SELECT document::text FROM stored_responses WHERE owner = ? AND id = ?")) {
                ps.setString(1, o);
                ps.setString(2, rid);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getString(1) : null;
                }
            }
        });
        if (document == null) {
            throw ApiException.notFound("response not found");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", rid);
        try {
            out.put("document", MAPPER.readTree(document));
        } catch (IOException e) {
            throw new IllegalStateException("stored document is not JSON", e);
        }
        return out;
    }

    @DELETE
    public Map<String, Object> delete(@PathParam("id") String id, @QueryParam("owner") String owner) {
        String rid = id(id);
        String o = owner(owner);
        int n = Db.tx(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM stored_responses WHERE owner = ? AND id = ?")) {
                ps.setString(1, o);
                ps.setString(2, rid);
                return ps.executeUpdate();
            }
        });
        if (n == 0) {
            throw ApiException.notFound("response not found");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", rid);
        out.put("deleted", true);
        return out;
    }

    private static String id(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            throw ApiException.notFound("response not found");
        }
        return id;
    }

    private static String owner(String owner) {
        if (owner == null || !OWNER.matcher(owner).matches()) {
            throw ApiException.badRequest("owner must be a key hash", "owner");
        }
        return owner;
    }
}
