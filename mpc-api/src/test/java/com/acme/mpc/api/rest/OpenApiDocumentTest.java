package com.acme.mpc.api.rest;

import static com.acme.mpc.testsupport.openapi.OpenApiDocs.answersWithASchema;
import static com.acme.mpc.testsupport.openapi.OpenApiDocs.operations;
import static com.acme.mpc.testsupport.openapi.OpenApiDocs.security;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.acme.mpc.api.ClientsProfile;
import com.acme.mpc.testsupport.openapi.CompiledClasses;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The served OpenAPI document (/q/openapi, written down in META-INF/openapi.yaml, since no scanner sees plain Vert.x
 * routes) against mpc-api's real router: every route it serves must be in the document, every documented operation
 * must be served, answer with a schema and, unless it is meant to be open, name its credential.
 */
@QuarkusTest
@TestProfile(ClientsProfile.class)
class OpenApiDocumentTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Open on purpose: the health probe apps and load balancers call without a token. */
    private static final Set<String> OPEN = Set.of("get /health");

    /** Captures the application's router, the one ApiRoutes registers on. */
    @ApplicationScoped
    static class RouterCapture {
        static volatile Router router;

        void capture(@Observes Router r) {
            router = r;
        }
    }

    private JsonNode doc;

    @BeforeEach
    void fetch() throws IOException {
        doc = JSON.readTree(given().queryParam("format", "json")
                .when()
                .get("/q/openapi")
                .then()
                .statusCode(200)
                .extract()
                .asString());
    }

    @Test
    void documentIsOpenApiWithTheClientTokenScheme() {
        assertThat(doc.path("openapi").asText()).startsWith("3.");
        assertThat(doc.path("info").path("title").asText()).isEqualTo("mpc-api");
        assertThat(doc.path("components")
                        .path("securitySchemes")
                        .path("clientToken")
                        .path("scheme")
                        .asText())
                .isEqualTo("bearer");
    }

    @Test
    void everyRouteOfTheRouterIsDocumented() {
        Router router = RouterCapture.router;
        assertThat(router).as("the application's router").isNotNull();
        Map<String, JsonNode> ops = operations(doc);
        Set<String> documentedPaths = new TreeSet<>();
        ops.keySet().forEach(k -> documentedPaths.add(k.split(" ", 2)[1]));
        List<String> missing = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        for (Route route : router.getRoutes()) {
            // a path with parameters (/api/v1/responses/:id) is kept by Vert.x as a regex route named by its template
            boolean templated = route.isRegexPath()
                    && route.getName() != null
                    && route.getName().matches("/[A-Za-z0-9_/.:-]+")
                    && route.getName().contains("/:");
            if (route.isRegexPath() && !templated) {
                // /api/models/{id} takes slashes: a regex of its own
                if (!"/api/models/(?<id>.+)".equals(route.getName()) || !documentedPaths.contains("/api/models/{id}")) {
                    missing.add("regex route " + route.getName());
                }
                continue;
            }
            String path = templated ? route.getName() : route.getPath();
            if (path == null || (path.equals("/") && route.methods() == null && route.isExactPath())) {
                // no path: a handler for every request (CORS, Quarkus' static files and /q router), serving no
                // endpoint of its own; "/" for every method is quarkus-rest's dispatcher, with no resource to
                // dispatch to (noJaxRsResources)
                continue;
            }
            if (path.startsWith("/q/") || path.equals("/q")) {
                // Quarkus' own endpoints (health, metrics, openapi, swagger-ui): documented by Quarkus, not here
                continue;
            }
            String openApiPath = path.replaceAll(":([A-Za-z0-9_]+)", "{$1}");
            seen.add(openApiPath);
            Set<HttpMethod> methods = route.methods();
            if (!templated && !route.isExactPath()) {
                // /api/*: the body limit, request id, authentication and rate limit in front of every endpoint,
                // and the unknown_url 404 behind them
                String prefix = openApiPath.endsWith("/") ? openApiPath : openApiPath + "/";
                if (documentedPaths.stream().noneMatch(p -> p.startsWith(prefix))) {
                    missing.add("any path under " + prefix);
                }
            } else if (methods == null || methods.isEmpty()) {
                missing.add("* " + openApiPath + " (" + route + ")");
            } else {
                for (HttpMethod m : methods) {
                    String key = m.name().toLowerCase(Locale.ROOT) + " " + openApiPath;
                    if (!ops.containsKey(key)) {
                        missing.add(key);
                    }
                }
            }
        }
        assertThat(seen).as("routes found on the router").contains("/api/chat/completions", "/health");
        assertThat(missing).as("routes the document lacks").isEmpty();
    }

    @Test
    void everyDocumentedOperationIsServed() {
        for (String op : operations(doc).keySet()) {
            String[] mp = op.split(" ", 2);
            Response r = given().auth()
                    .oauth2(ClientsProfile.APP1)
                    .contentType("application/json")
                    .body("{\"model\":\"demo-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                    .when()
                    .request(mp[0].toUpperCase(Locale.ROOT), mp[1].replaceAll("\\{[^}]+}", "resp_1"));
            // mpc-api's catch-all answers unknown_url; Quarkus' 404 has no error body
            assertThat(r.statusCode() != 404
                            || (r.asString().contains("\"error\"")
                                    && !r.asString().contains("unknown_url")))
                    .as(op + " is served (" + r.statusCode() + " " + r.asString() + ")")
                    .isTrue();
        }
    }

    @Test
    void everyOperationAnswersWithASchemaAndProtectedOnesNameTheirCredential() {
        for (Map.Entry<String, JsonNode> e : operations(doc).entrySet()) {
            JsonNode op = e.getValue();
            assertThat(answersWithASchema(doc, op))
                    .as(e.getKey() + " has a response with a schema")
                    .isTrue();
            JsonNode security = security(doc, op);
            if (OPEN.contains(e.getKey())) {
                assertThat(security.size()).as(e.getKey() + " is open").isZero();
            } else {
                assertThat(security.size())
                        .as(e.getKey() + " names its credential")
                        .isPositive();
                assertThat(op.path("responses").has("401"))
                        .as(e.getKey() + " documents 401")
                        .isTrue();
            }
        }
    }

    @Test
    void noJaxRsResources() throws IOException {
        // the router comparison above covers Vert.x routes only; a JAX-RS resource would need its own check
        Path classes = CompiledClasses.ofThisModule();
        assertThat(classes.resolve("com/acme/mpc/api/rest/ApiRoutes.class")).exists();
        // CostTrackerRestClient is a REST client interface (@Path on an outgoing call), not a resource
        List<Path> resources = CompiledClasses.containing(classes, "Ljakarta/ws/rs/Path;").stream()
                .filter(f -> !f.getFileName().toString().startsWith("CostTrackerRestClient"))
                .toList();
        assertThat(resources).isEmpty();
    }

    @Test
    void swaggerUiIsServed() {
        given().when().get("/q/swagger-ui/").then().statusCode(200);
    }
}
