package com.acme.mpc.gateway.surface.media;

import com.acme.mpc.gateway.core.GatewayException;
import com.acme.mpc.gateway.core.Json;
import com.acme.mpc.gateway.provider.http.MultipartBody;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.FileUpload;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A media request as read: its fields (the JSON body, or a multipart form's text fields as strings) and, for uploads,
 * the files spooled on disk.
 *
 * @param model the requested model (group, alias or deployment id); null when the client named none
 * @param fields the JSON body or the form's text fields; never modified
 * @param files the uploaded files (empty for JSON requests)
 */
public record MediaRequest(String model, ObjectNode fields, List<MultipartBody.FilePart> files) {

    /** A JSON request: an object body with an optional string {@code model}. */
    public static MediaRequest json(RoutingContext ctx) {
        Buffer raw = ctx.body() == null ? null : ctx.body().buffer();
        ObjectNode body = Json.clientObject(raw == null ? null : raw.getBytes());
        return new MediaRequest(optionalString(body, "model"), body, List.of());
    }

    /** A multipart upload: text fields (the last of a repeated name wins) and the spooled files. */
    public static MediaRequest form(RoutingContext ctx) {
        String type = ctx.request().getHeader("content-type");
        if (type == null || !type.toLowerCase().startsWith("multipart/form-data")) {
            throw GatewayException.badRequest(
                    "this endpoint takes a multipart/form-data upload (got " + (type == null ? "no content-type" : type)
                            + ")",
                    null);
        }
        ObjectNode fields = Json.MAPPER.createObjectNode();
        for (Map.Entry<String, String> e : ctx.request().formAttributes()) {
            fields.put(e.getKey(), e.getValue());
        }
        List<MultipartBody.FilePart> files = new ArrayList<>();
        for (FileUpload u : ctx.fileUploads()) {
            files.add(new MultipartBody.FilePart(
                    u.name(), u.fileName(), u.contentType(), u.uploadedFileName(), u.size()));
        }
        String model = fields.path("model").asText(null);
        return new MediaRequest(model == null || model.isBlank() ? null : model, fields, List.copyOf(files));
    }

    /** A required string field; 400 naming it when missing or not a string. */
    public String requireString(String name) {
        JsonNode v = fields.get(name);
        if (v == null || v.isNull()) {
            throw GatewayException.badRequest("'" + name + "' is required", name);
        }
        if (!v.isTextual() || v.asText().isBlank()) {
            throw GatewayException.badRequest("'" + name + "' must be a non-empty string", name);
        }
        return v.asText();
    }

    /** An optional string field (null when absent); 400 when it is not a string. */
    public String optionalString(String name) {
        return optionalString(fields, name);
    }

    /** An optional positive integer, also written as a string (form fields); 400 outside 1..max. */
    public Integer optionalCount(String name, int max) {
        JsonNode v = fields.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        try {
            int n = v.isIntegralNumber() && v.canConvertToInt()
                    ? v.asInt()
                    : v.isTextual() ? Integer.parseInt(v.asText().trim()) : -1;
            if (n >= 1 && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw GatewayException.badRequest("'" + name + "' must be an integer from 1 to " + max, name);
    }

    /** The uploaded files of a field ({@code image} also as {@code image[]}, as the OpenAI SDKs send several). */
    public List<MultipartBody.FilePart> filesOf(String field) {
        return files.stream()
                .filter(f -> f.field().equals(field) || f.field().equals(field + "[]"))
                .toList();
    }

    private static String optionalString(ObjectNode body, String name) {
        JsonNode v = body.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw GatewayException.badRequest("'" + name + "' must be a string", name);
        }
        return v.asText().isBlank() ? null : v.asText();
    }
}
