package com.acme.mpc.api.rest;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

/** Writes errors in OpenAI's shape: {"error":{"message","type","param","code"}}. */
public final class OpenAiErrors {

    public static final String INVALID_REQUEST = "invalid_request_error";
    public static final String API_ERROR = "api_error";

    private OpenAiErrors() {}

    /** The JSON body of an error; param is always null here since mpc-api never validates single fields. */
    public static Buffer body(String message, String type, String code) {
        StringBuilder sb = new StringBuilder(96 + message.length());
        sb.append("{\"error\":{\"message\":\"");
        JsonStringEncoder.getInstance().quoteAsString(message, sb);
        sb.append("\",\"type\":\"").append(type).append("\",\"param\":null,\"code\":");
        if (code == null) {
            sb.append("null");
        } else {
            sb.append('"').append(code).append('"');
        }
        sb.append("}}");
        return Buffer.buffer(sb.toString());
    }

    /** Ends the response with an error unless something was already sent (then the connection is closed). */
    public static void send(HttpServerResponse response, int status, String message, String type, String code) {
        if (response.ended() || response.closed()) {
            return;
        }
        if (response.headWritten()) {
            response.reset();
            return;
        }
        response.setStatusCode(status)
                .putHeader("content-type", "application/json")
                .end(body(message, type, code));
    }
}
