package com.acme.mpc.cost.admin;

import com.acme.mpc.cost.api.QueryParams;
import com.fasterxml.jackson.databind.JsonNode;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import java.util.List;
import java.util.Map;

/**
 * LiteLLM's customers (end users: the {@code user} field of a model call), served under {@code /customer/*} and its
 * alias {@code /end_user/*} ({@link CustomerResource}, {@link EndUserResource}).
 */
public abstract class CustomerRoutes {
    private final EntityStore store;

    protected CustomerRoutes(EntityStore store) {
        this.store = store;
    }

    @POST
    @Path("/new")
    public Map<String, Object> create(JsonNode body) {
        return store.create(EntityKind.CUSTOMER, body);
    }

    @GET
    @Path("/info")
    public Map<String, Object> info(@QueryParam("end_user_id") String endUserId) {
        return store.info(EntityKind.CUSTOMER, endUserId);
    }

    @GET
    @Path("/list")
    public List<Map<String, Object>> list(
            @QueryParam("page") String pageParam, @QueryParam("page_size") String sizeParam) {
        int page = QueryParams.integer(pageParam, "page", 1);
        int size = QueryParams.integer(sizeParam, "page_size", 1000);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> rows = (List<Map<String, Object>>)
                store.list(EntityKind.CUSTOMER, page, size, null, null).get("data");
        return rows;
    }

    @POST
    @Path("/update")
    public Map<String, Object> update(JsonNode body) {
        return store.update(EntityKind.CUSTOMER, body);
    }

    @POST
    @Path("/delete")
    public Map<String, Object> delete(JsonNode body) {
        return Map.of("deleted_customers", store.delete(EntityKind.CUSTOMER, Ids.of(body, "user_ids", "user_id")));
    }

    @POST
    @Path("/block")
    public Map<String, Object> block(JsonNode body) {
        return Map.of("blocked_users", store.block(EntityKind.CUSTOMER, Ids.of(body, "user_ids", "user_id"), true));
    }

    @POST
    @Path("/unblock")
    public Map<String, Object> unblock(JsonNode body) {
        return Map.of("unblocked_users", store.block(EntityKind.CUSTOMER, Ids.of(body, "user_ids", "user_id"), false));
    }
}
