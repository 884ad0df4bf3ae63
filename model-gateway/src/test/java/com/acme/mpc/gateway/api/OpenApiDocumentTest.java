package com.acme.mpc.gateway.api;

import static com.acme.mpc.testsupport.openapi.OpenApiDocs.answersWithASchema;
import static com.acme.mpc.testsupport.openapi.OpenApiDocs.operations;
import static com.acme.mpc.testsupport.openapi.OpenApiDocs.security;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.acme.mpc.gateway.testsupport.GatewayTestResource;
import com.acme.mpc.testsupport.openapi.CompiledClasses;
import com.acme.mpc.testsupport.openapi.OpenApiDocs;
import com.acme.mpc.testsupport.openapi.RouteCoverage;
import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.net.URL;
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

    @TestHTTPResource("/")
    URL root;

    @BeforeEach
    void fetch() throws Exception {
        doc = OpenApiDocs.fetch(root);
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
        // the relay's exact prefixes and single routes, and the 405 answer beside a POST route, take every method
        RouteCoverage.Result routes = RouteCoverage.compare(doc, router, API_REGEX, NOT_API_REGEX, true);
        assertThat(routes.seen()).as("routes found on the router").hasSizeGreaterThan(20);
        assertThat(routes.missing()).as("routes the document lacks").isEmpty();
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
