package com.acme.mpc.cost.api;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Every error leaves the service in the OpenAI error shape. */
public class ErrorMappers {
    private static final Logger LOG = Logger.getLogger(ErrorMappers.class);

    @ServerExceptionMapper
    public Response api(ApiException e) {
        return json(e.status(), e.body());
    }

    @ServerExceptionMapper
    public Response json(JsonProcessingException e) {
        return json(
                400,
                ApiException.errorBody(
                        JsonErrors.message(e), "invalid_request_error", JsonErrors.param(e), "invalid_json", Map.of()));
    }

    /** More specific than Quarkus' own mapper of this type, which answers 400 with an empty body. */
    @ServerExceptionMapper
    public Response mismatched(MismatchedInputException e) {
        return json(e);
    }

    @ServerExceptionMapper
    public Response parse(JsonParseException e) {
        return json(e);
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        String type = switch (status) {
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            default -> status >= 500 ? "api_error" : "invalid_request_error";
        };
        if (e.getCause() instanceof JsonProcessingException jpe) {
            return json(jpe);
        }
        return json(status, ApiException.errorBody(e.getMessage(), type, null, null, Map.of()));
    }

    @ServerExceptionMapper
    public Response other(Exception e) {
        if (e.getCause() instanceof JsonProcessingException jpe) {
            return json(jpe);
        }
        LOG.error("unhandled error", e);
        return json(
                500,
                ApiException.errorBody(
                        "Internal error: " + e.getClass().getSimpleName(), "api_error", null, null, Map.of()));
    }

    static Response json(int status, Object body) {
        return Response.status(status)
                .type(MediaType.APPLICATION_JSON)
                .entity(body)
                .build();
    }
}
