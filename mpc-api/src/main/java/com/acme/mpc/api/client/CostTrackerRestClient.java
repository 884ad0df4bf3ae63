package com.acme.mpc.api.client;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** cost-tracker's client-usage endpoint (docs/contracts.md). Package-private: use {@link CostTrackerClient}. */
@RegisterRestClient(configKey = "cost-tracker")
@Path("/spend")
interface CostTrackerRestClient {

    @GET
    @Path("/usage")
    @Produces(MediaType.APPLICATION_JSON)
    Uni<Response> usage(
            @HeaderParam("Authorization") String authorization,
            @HeaderParam("x-request-id") String requestId,
            @QueryParam("end_user") String endUser,
            @QueryParam("from") String from,
            @QueryParam("to") String to,
            @QueryParam("group_by") String groupBy);
}
