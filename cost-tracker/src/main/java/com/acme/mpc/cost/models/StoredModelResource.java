package com.acme.mpc.cost.models;

import com.acme.mpc.cost.api.ApiException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * LiteLLM's {@code /model/new}, {@code /model/update}, {@code /model/delete} (master key): deployments stored at run
 * time, with credentials masked in every answer. The gateway relays
 * these routes after checking the deployment, and reads {@code GET /internal/models} (credentials in clear, master key
 * only) to serve them.
 */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.WILDCARD)
public class StoredModelResource {
    private static final Logger LOG = Logger.getLogger(StoredModelResource.class);
    private final StoredModelStore store;
    private final ObjectMapper mapper;

    public StoredModelResource(StoredModelStore store, ObjectMapper mapper) {
        this.store = store;
        this.mapper = mapper;
    }

    @POST
    @Path("model/new")
    public Map<String, Object> create(JsonNode body) {
        return store.create(body).view(mapper);
    }

    @POST
    @Path("model/update")
    public Map<String, Object> update(JsonNode body) {
        return store.update(body).view(mapper);
    }

    /** {@code {"id": "model id"}}, as LiteLLM. */
    @POST
    @Path("model/delete")
    public Map<String, Object> delete(JsonNode body) {
        if (body == null
                || !body.path("id").isTextual()
                || body.get("id").textValue().isBlank()) {
            throw ApiException.badRequest("id is required (model_info.id of the stored model)", "id");
        }
        String id = body.get("id").textValue();
        store.delete(id);
        return Map.of("message", "Model: " + id + " deleted successfully");
    }

    private boolean readable(StoredModelStore.StoredModel m) {
        if (m.unreadable().isEmpty()) {
            return true;
        }
        // a changed LITELLM_SALT_KEY (or master key without one): serving the model would send a ciphertext upstream
        LOG.errorf(
                "stored model %s not served: its credential(s) %s do not decrypt with the configured"
                        + " LITELLM_SALT_KEY (or master key); restore the key or set the credential again with"
                        + " /model/update",
                m.id(), m.unreadable().stream().sorted().toList());
        return false;
    }

    /** The gateway's view: model_list entries with credentials in clear (the master key is required, as everywhere). */
    @GET
    @Path("internal/models")
    public Map<String, Object> internal() {
        List<Object> data = store.list().stream()
                .filter(this::readable)
                .map(m -> (Object) m.entry(mapper))
                .toList();
        return Map.of("data", data);
    }
}
