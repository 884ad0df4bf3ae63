package com.acme.mpc.api.rest;

import static com.acme.mpc.testsupport.openapi.OpenApiDocs.answersWithASchema;
import static com.acme.mpc.testsupport.openapi.OpenApiDocs.operations;
import static com.acme.mpc.testsupport.openapi.OpenApiDocs.security;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.acme.mpc.api.ClientsProfile;
import com.acme.mpc.testsupport.openapi.CompiledClasses;
import com.acme.mpc.testsupport.openapi.OpenApiDocs;
import com.acme.mpc.testsupport.openapi.RouteCoverage;
import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
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

    @TestHTTPResource("/")
    URL root;

    @BeforeEach
    void fetch() throws Exception {
        doc = OpenApiDocs.fetch(root);
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
        // /api/models/{id} takes slashes: a regex of its own; a route for every method must be documented as such
        RouteCoverage.Result routes = RouteCoverage.compare(
                doc, router, Map.of("/api/models/(?<id>.+)", "/api/models/{id}"), Set.of(), false);
        assertThat(routes.seen()).as("routes found on the router").contains("/api/chat/completions", "/health");
        assertThat(routes.missing()).as("routes the document lacks").isEmpty();
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
