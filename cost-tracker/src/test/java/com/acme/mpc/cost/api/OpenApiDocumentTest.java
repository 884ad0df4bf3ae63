package com.acme.mpc.cost.api;

import static com.acme.mpc.testsupport.openapi.OpenApiDocs.answersWithASchema;
import static com.acme.mpc.testsupport.openapi.OpenApiDocs.operations;
import static com.acme.mpc.testsupport.openapi.OpenApiDocs.parameterNames;
import static com.acme.mpc.testsupport.openapi.OpenApiDocs.security;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.acme.mpc.cost.TestDatabase;
import com.acme.mpc.testsupport.openapi.CompiledClasses;
import com.acme.mpc.testsupport.openapi.OpenApiDocs;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import java.io.IOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.net.URL;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The served OpenAPI document (/q/openapi, written down in META-INF/openapi.yaml) against the application itself:
 * every JAX-RS resource method, found by reflection over the compiled classes, must be in it with its query and
 * path parameters, every operation must answer with a schema, and every operation must name its credential. The
 * admin routes model-gateway relays must be documented there exactly as here.
 */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class OpenApiDocumentTest {

    /** model-gateway's AdminRelay.PREFIXES: the routes it relays here. */
    private static final List<String> RELAYED_PREFIXES =
            List.of("/key", "/v2/key", "/team", "/user", "/customer", "/end_user", "/budget", "/spend", "/global");

    private JsonNode doc;

    @TestHTTPResource("/")
    URL root;

    @BeforeEach
    void fetch() throws Exception {
        doc = OpenApiDocs.fetch(root);
    }

    @Test
    void documentIsOpenApiWithTheMasterKeyScheme() {
        assertThat(doc.path("openapi").asText()).startsWith("3.");
        assertThat(doc.path("info").path("title").asText()).isEqualTo("cost-tracker");
        assertThat(doc.path("components")
                        .path("securitySchemes")
                        .path("masterKey")
                        .path("scheme")
                        .asText())
                .isEqualTo("bearer");
    }

    @Test
    void everyResourceMethodIsDocumentedWithItsParameters() throws Exception {
        Map<String, Method> routes = resourceMethods();
        assertThat(routes).hasSizeGreaterThan(40);
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, Method> e : routes.entrySet()) {
            String[] mp = e.getKey().split(" ", 2);
            JsonNode op = doc.path("paths").path(mp[1]).path(mp[0]);
            if (op.isMissingNode()) {
                missing.add(e.getKey());
                continue;
            }
            Set<String> documented = parameterNames(doc, op);
            for (Parameter p : e.getValue().getParameters()) {
                String name = p.isAnnotationPresent(QueryParam.class)
                        ? "query " + p.getAnnotation(QueryParam.class).value()
                        : p.isAnnotationPresent(PathParam.class)
                                ? "path " + p.getAnnotation(PathParam.class).value()
                                : null;
                if (name != null && !documented.contains(name)) {
                    missing.add(e.getKey() + " parameter " + name);
                }
            }
        }
        assertThat(missing).as("routes the document lacks").isEmpty();
        // and nothing documented that the application does not serve
        Set<String> served = routes.keySet();
        assertThat(operations(doc).keySet()).isSubsetOf(served);
    }

    @Test
    void everyOperationAnswersWithASchemaAndNamesItsCredential() {
        boolean globalSecurity = doc.path("security").size() > 0;
        for (Map.Entry<String, JsonNode> e : operations(doc).entrySet()) {
            JsonNode op = e.getValue();
            assertThat(answersWithASchema(doc, op))
                    .as(e.getKey() + " has a response with a schema")
                    .isTrue();
            JsonNode security = security(doc, op);
            assertThat(globalSecurity || security.size() > 0)
                    .as(e.getKey() + " names its credential")
                    .isTrue();
            assertThat(security.size()).as(e.getKey() + " security").isPositive();
            assertThat(op.path("responses").has("401"))
                    .as(e.getKey() + " documents 401")
                    .isTrue();
        }
    }

    @Test
    void swaggerUiIsServed() {
        given().when().get("/q/swagger-ui/").then().statusCode(200);
    }

    @Test
    void theGatewayRelaysTheAdminRoutesWithTheSameSchemas() throws IOException {
        // model-gateway's document, from the source tree this module is built in
        java.nio.file.Path file =
                java.nio.file.Path.of("..", "model-gateway", "src", "main", "resources", "META-INF", "openapi.yaml");
        assertThat(file).exists();
        JsonNode gateway = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(file));
        List<String> differences = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : operations(doc).entrySet()) {
            String path = e.getKey().split(" ", 2)[1];
            if (RELAYED_PREFIXES.stream().noneMatch(p -> path.equals(p) || path.startsWith(p + "/"))) {
                continue;
            }
            String[] mp = e.getKey().split(" ", 2);
            JsonNode theirs = gateway.path("paths").path(mp[1]).path(mp[0]);
            if (theirs.isMissingNode()) {
                differences.add(e.getKey() + " missing");
                continue;
            }
            for (String part : List.of("parameters", "requestBody", "summary")) {
                if (!e.getValue().path(part).equals(theirs.path(part))) {
                    differences.add(
                            e.getKey() + " " + part + ": " + e.getValue().path(part) + " vs " + theirs.path(part));
                }
            }
            if (!e.getValue()
                    .path("responses")
                    .path("200")
                    .equals(theirs.path("responses").path("200"))) {
                differences.add(e.getKey() + " 200 response: "
                        + e.getValue().path("responses").path("200") + " vs "
                        + theirs.path("responses").path("200"));
            }
        }
        for (String section : List.of("schemas", "parameters", "examples")) {
            Iterator<Map.Entry<String, JsonNode>> it =
                    doc.path("components").path(section).fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> c = it.next();
                JsonNode theirs = gateway.path("components").path(section).path(c.getKey());
                if (!theirs.isMissingNode() && !theirs.equals(c.getValue())) {
                    differences.add("components." + section + "." + c.getKey() + ": " + c.getValue() + " vs " + theirs);
                }
            }
        }
        assertThat(differences)
                .as("model-gateway's META-INF/openapi.yaml differs from cost-tracker's for the relayed routes")
                .isEmpty();
    }

    /** "get /key/info" -> method, for every concrete @Path class compiled from src/main/java. */
    private static Map<String, Method> resourceMethods() throws IOException, ClassNotFoundException {
        java.nio.file.Path classes = CompiledClasses.ofThisModule();
        assertThat(classes.resolve("com/acme/mpc/cost/api/Auth.class")).exists();
        List<String> names = CompiledClasses.names(classes);
        Map<String, Method> routes = new TreeMap<>();
        ClassLoader loader = Auth.class.getClassLoader();
        for (String name : names) {
            Class<?> c = Class.forName(name, false, loader);
            Path classPath = c.getAnnotation(Path.class);
            if (classPath == null || Modifier.isAbstract(c.getModifiers()) || c.isInterface()) {
                continue;
            }
            for (Method m : c.getMethods()) {
                String http = httpMethod(m);
                if (http == null) {
                    continue;
                }
                Path methodPath = m.getAnnotation(Path.class);
                String path = join(classPath.value(), methodPath == null ? "" : methodPath.value());
                routes.put(http.toLowerCase(java.util.Locale.ROOT) + " " + path, m);
            }
        }
        return routes;
    }

    private static String httpMethod(Method m) {
        for (Annotation a : m.getAnnotations()) {
            HttpMethod h = a.annotationType().getAnnotation(HttpMethod.class);
            if (h != null) {
                return h.value();
            }
        }
        return null;
    }

    private static String join(String a, String b) {
        String p = ("/" + a + "/" + b).replaceAll("/+", "/");
        return p.length() > 1 && p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
    }
}
