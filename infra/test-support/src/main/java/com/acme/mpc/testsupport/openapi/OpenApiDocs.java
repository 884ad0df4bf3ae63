package com.acme.mpc.testsupport.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** Reading an OpenAPI 3 document (as JSON nodes): its operations, references, credentials and parameters. */
public final class OpenApiDocs {
    private static final Set<String> HTTP_METHODS = Set.of("get", "post", "put", "delete", "patch", "head", "options");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private OpenApiDocs() {}

    /** The document the service at {@code root} serves at {@code /q/openapi}, as JSON (it must answer 200). */
    public static JsonNode fetch(URL root) throws IOException, InterruptedException {
        URI uri = URI.create(root.toString()).resolve("/q/openapi?format=json");
        HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(uri).build(), BodyHandlers.ofString());
        assertThat(answer.statusCode()).as("GET " + uri + ": " + answer.body()).isEqualTo(200);
        return JSON.readTree(answer.body());
    }

    /** Every operation, keyed "method path" ("post /v1/chat/completions"), sorted. */
    public static Map<String, JsonNode> operations(JsonNode doc) {
        Map<String, JsonNode> ops = new TreeMap<>();
        Iterator<Map.Entry<String, JsonNode>> paths = doc.path("paths").fields();
        while (paths.hasNext()) {
            Map.Entry<String, JsonNode> path = paths.next();
            Iterator<Map.Entry<String, JsonNode>> methods = path.getValue().fields();
            while (methods.hasNext()) {
                Map.Entry<String, JsonNode> m = methods.next();
                if (HTTP_METHODS.contains(m.getKey())) {
                    ops.put(m.getKey() + " " + path.getKey(), m.getValue());
                }
            }
        }
        return ops;
    }

    /** The node a local {@code $ref} ("#/components/...") points to, or the node itself when it is no reference. */
    public static JsonNode resolve(JsonNode doc, JsonNode node) {
        if (!node.has("$ref")) {
            return node;
        }
        JsonNode n = doc;
        for (String p : node.get("$ref").asText().substring(2).split("/")) {
            n = n.path(p);
        }
        return n;
    }

    /** The operation's security requirements, or the document's when it names none of its own. */
    public static JsonNode security(JsonNode doc, JsonNode op) {
        return op.has("security") ? op.get("security") : doc.path("security");
    }

    /** Whether one of the operation's responses has content with a schema. */
    public static boolean answersWithASchema(JsonNode doc, JsonNode op) {
        boolean schema = false;
        for (JsonNode response : op.path("responses")) {
            for (JsonNode media : resolve(doc, response).path("content")) {
                schema |= media.has("schema");
            }
        }
        return schema;
    }

    /** The operation's parameters as "in name" ("query limit", "path id"). */
    public static Set<String> parameterNames(JsonNode doc, JsonNode op) {
        Set<String> names = new TreeSet<>();
        for (JsonNode p : op.path("parameters")) {
            JsonNode r = resolve(doc, p);
            names.add(r.path("in").asText() + " " + r.path("name").asText());
        }
        return names;
    }
}
