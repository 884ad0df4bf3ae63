package com.acme.mpc.testsupport.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Which routes of an application's Vert.x router its OpenAPI document lacks. */
public final class RouteCoverage {
    private RouteCoverage() {}

    /**
     * What the router serves ({@code seen}, as document paths) and what the document lacks of it ({@code missing}).
     */
    public record Result(List<String> seen, List<String> missing) {}

    /**
     * Compares the routes with the document. Skipped: routes with no path (handlers for every request), "/" for every
     * method (quarkus-rest's dispatcher) and Quarkus' own /q endpoints. A path with parameters (/v1/responses/:id) is
     * kept by Vert.x as a regex route named by its template; other regex routes must be in {@code apiRegex} (pattern
     * to the path the document names it by) or {@code notApiRegex}. A prefix route (/v1/*) needs something below it
     * documented; an exact route for every method needs that too when {@code everyMethodMayBePrefix} (a relay's
     * exact prefixes, a 405 answer beside a POST route), else it is missing.
     */
    public static Result compare(
            JsonNode doc,
            Router router,
            Map<String, String> apiRegex,
            Set<String> notApiRegex,
            boolean everyMethodMayBePrefix) {
        Map<String, JsonNode> ops = OpenApiDocs.operations(doc);
        Set<String> documentedPaths = new TreeSet<>();
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
                String documented = regex != null && regex.contains("/:")
                        ? regex.replaceAll(":([A-Za-z0-9_]+)", "{$1}")
                        : apiRegex.get(regex);
                if (documented != null) {
                    if (!documentedPaths.contains(documented)) {
                        missing.add(documented);
                    }
                } else if (!notApiRegex.contains(regex)) {
                    missing.add("regex route " + regex);
                }
                continue;
            }
            String path = templated ? route.getName() : route.getPath();
            if (path == null || (path.equals("/") && route.methods() == null && route.isExactPath())) {
                continue;
            }
            if (path.startsWith("/q/") || path.equals("/q")) {
                // documented by Quarkus, not by the service
                continue;
            }
            String openApiPath = path.replaceAll(":([A-Za-z0-9_]+)", "{$1}");
            seen.add(openApiPath);
            if (!templated && !route.isExactPath()) {
                String prefix = openApiPath.endsWith("/") ? openApiPath : openApiPath + "/";
                if (documentedPaths.stream().noneMatch(p -> p.startsWith(prefix))) {
                    missing.add("any path under " + prefix);
                }
            } else if (route.methods() == null || route.methods().isEmpty()) {
                String prefix = openApiPath + "/";
                if (!everyMethodMayBePrefix
                        || (!documentedPaths.contains(openApiPath)
                                && documentedPaths.stream().noneMatch(p -> p.startsWith(prefix)))) {
                    missing.add("* " + openApiPath + " (" + route + ")");
                }
            } else {
                for (HttpMethod m : route.methods()) {
                    String key = m.name().toLowerCase(Locale.ROOT) + " " + openApiPath;
                    if (!ops.containsKey(key)) {
                        missing.add(key);
                    }
                }
            }
        }
        return new Result(seen, missing);
    }
}
