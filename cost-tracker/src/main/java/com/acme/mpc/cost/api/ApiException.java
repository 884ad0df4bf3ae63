package com.acme.mpc.cost.api;

import java.util.LinkedHashMap;
import java.util.Map;

/** An error answered in the OpenAI error shape: {"error":{"message","type","param","code"}}. */
public class ApiException extends RuntimeException {
    private final int status;
    private final String type;
    private final String param;
    private final String code;
    private final Map<String, Object> extra;

    public ApiException(int status, String type, String message, String param, String code) {
        this(status, type, message, param, code, Map.of());
    }

    public ApiException(int status, String type, String message, String param, String code, Map<String, Object> extra) {
        super(message);
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
        this.extra = extra;
    }

    public static ApiException badRequest(String message, String param) {
        return new ApiException(400, "invalid_request_error", message, param, null);
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, "not_found_error", message, null, "not_found");
    }

    public static ApiException unauthorized(String message) {
        return new ApiException(401, "authentication_error", message, null, "invalid_api_key");
    }

    public int status() {
        return status;
    }

    public Map<String, Object> body() {
        return errorBody(getMessage(), type, param, code, extra);
    }

    public static Map<String, Object> errorBody(
            String message, String type, String param, String code, Map<String, Object> extra) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("message", message);
        error.put("type", type);
        error.put("param", param);
        error.put("code", code);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        body.putAll(extra);
        return body;
    }
}
