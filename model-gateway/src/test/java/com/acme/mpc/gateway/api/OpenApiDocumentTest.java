package com.acme.mpc.gateway.api;

import static com.acme.mpc.testsupport.openapi.OpenApiDocs.answersWithASchema;
import static com.acme.mpc.testsupport.openapi.OpenApiDocs.operations;
import static com.acme.mpc.testsupport.openapi.OpenApiDocs.security;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.acme.mpc.gateway.testsupport.GatewayTestResource;
import com.acme.mpc.testsupport.openapi.CompiledClasses;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The served OpenAPI document (/q/openapi, written down in META-INF/openapi.yaml, since no scanner sees plain Vert.x
 * routes) against the gateway's real router: every route it serves must be in the document, every documented
 * operation must be served, answer with a schema and, unless it is meant to be open, name its credential.
 */
@QuarkusTest
@QuarkusTestResource(GatewayTestResource.class)
class OpenApiDocumentTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Routes that are open on purpose: probes and the metrics scrape. */
    private static final Set<String> OPEN =
            Set.of("get /health/liveliness", "get /health/liveness", "get /health/readiness", "get /metrics");

    /**
     * Regex routes that are no API: the admin UI's static files (HTML, JS, CSS served from META-INF/resources/ui,
     * documented in docs/ui.md) and its /ui redirect.
     */
    private static final Set<String> NOT_API_REGEX = Set.of("^/ui(/.*)?$");

    /** Regex routes of the API and the path the document names them by (a model id may hold slashes). */
    private static final Map<String, String> API_REGEX =
            Map.of("/models/(?<id>.+)", "/models/{id}", "/v1/models/(?<id>.+)", "/v1/models/{id}");

    /** Captures the application's router, the one every route class registers on. */
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
    void documentIsOpenApiWithTheGatewaysKeySchemes() {
        assertThat(doc.path("openapi").asText()).startsWith("3.");
        assertThat(doc.path("info").path("title").asText()).isEqualTo("model-gateway");
        JsonNode schemes = doc.path("components").path("securitySchemes");
        assertThat(schemes.path("bearer").path("scheme").asText()).isEqualTo("bearer");
        assertThat(schemes.path("x-api-key").path("name").asText()).isEqualTo("x-api-key");
        JsonNode messages = doc.path("paths").path("/v1/messages").path("post");
        assertThat(security(doc, messages).toString()).contains("x-api-key").contains("bearer");
    }

    @Test
    void everyRouteOfTheRouterIsDocumented() {
        Router router = RouterCapture.router;
        assertThat(router).as("the application's router").isNotNull();
        Map<String, JsonNode> ops = operations(doc);
        Set<String> documentedPaths = new java.util.TreeSet<>();
        ops.keySet().forEach(k -> documentedPaths.add(k.split(" ", 2)[1]));
        List<String> missing = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        for (Route route : router.getRoutes()) {
            boolean templated = route.isRegexPath()
                    && route.getName() != null
                    && route.getName().matches("/[A-Za-z0-9_/.:-]+")
                    && route.getName().contains("/:");
            if (route.isRegexPath() && !templated) {
                String regex = route.getName();
                // a path with parameters (/openai/deployments/:deployment/...) is a regex route named by its path
                String documented = regex != null && regex.contains("/:")
                        ? regex.replaceAll(":([A-Za-z0-9_]+)", "{$1}")
                        : API_REGEX.get(regex);
                if (documented != null) {
                    if (!documentedPaths.contains(documented)) {
                        missing.add(documented);
                    }
                    continue;
                }
                if (!NOT_API_REGEX.contains(regex)) {
                    missing.add("regex route " + regex);
                }
                continue;
            }
            // a path with parameters (/v1/responses/:id) is kept by Vert.x as a regex route named by its template
            String path = templated ? route.getName() : route.getPath();
            if (path == null || (path.equals("/") && route.methods() == null && route.isExactPath())) {
                // no path: a handler for every request (request id, CORS, Quarkus' static files and /q router),
                // serving no endpoint of its own; "/" for every method is quarkus-rest's dispatcher, with no
                // resource to dispatch to (noJaxRsResources)
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
                // a prefix route (/v1/* answering 404, the admin relay's /key/* ...): something below it is documented
                String prefix = openApiPath.endsWith("/") ? openApiPath : openApiPath + "/";
                if (documentedPaths.stream().noneMatch(p -> p.startsWith(prefix))) {
                    missing.add("any path under " + prefix);
                }
            } else if (methods == null || methods.isEmpty()) {
                // every method: the relay's exact prefixes and single routes, and the 405 answer beside a POST route
                String prefix = openApiPath + "/";
                if (!documentedPaths.contains(openApiPath)
                        && documentedPaths.stream().noneMatch(p -> p.startsWith(prefix))) {
                    missing.add("* " + openApiPath + " (" + route + ")");
                }
            } else {
                for (HttpMethod m : methods) {
                    String key = m.name().toLowerCase(Locale.ROOT) + " " + openApiPath;
                    if (!ops.containsKey(key)) {
                        missing.add(key);
                    }
                }
            }
        }
        assertThat(seen).as("routes found on the router").hasSizeGreaterThan(20);
        assertThat(missing).as("routes the document lacks").isEmpty();
    }

    @Test
    void everyDocumentedOperationIsServed() {
        // each documented operation reaches a route of the gateway rather than Quarkus' 404: a GET on a POST-only
        // path gets the gateway's 405, an admin route the relay's 503 (no cost-tracker in tests) or 401
        for (String op : operations(doc).keySet()) {
            String[] mp = op.split(" ", 2);
            String path = mp[1].replaceAll("\\{[^}]+}", "x");
            io.restassured.response.Response r = given().header("Authorization", "Bearer sk-test-master")
                    .contentType("application/json")
                    .body("{}")
                    .when()
                    .request(mp[0].toUpperCase(Locale.ROOT), path);
            // the gateway's own 404s (unknown model, unknown key) are in its error shape; Quarkus' are not, nor
            // is the /v1/* catch-all's "unknown endpoint"
            assertThat(r.statusCode() != 404
                            || (r.asString().contains("\"error\"")
                                    && !r.asString().contains("unknown endpoint")))
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
            if (OPEN.contains(e.getKey())) {
                assertThat(security(doc, op).size()).as(e.getKey() + " is open").isZero();
            } else {
                assertThat(security(doc, op).size())
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
        java.nio.file.Path classes = CompiledClasses.ofThisModule();
        assertThat(classes.resolve("com/acme/mpc/gateway/api/GatewayRoutes.class"))
                .exists();
        List<java.nio.file.Path> resources = CompiledClasses.containing(classes, "Ljakarta/ws/rs/Path;");
        assertThat(resources).isEmpty();
    }

    @Test
    void swaggerUiIsServed() {
        given().when().get("/q/swagger-ui/").then().statusCode(200);
    }
}
