package io.recsys.api.http;

import io.recsys.api.serving.ApiMetrics;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.PlatformHandler;

import java.util.Set;

/**
 * Counts every answer when it ends, in {@code recsys_http_responses_total{route, status}}: refusals and errors too,
 * including a body refused for its size, which is why it is a platform handler that runs before the body is read.
 */
final class CountResponses implements PlatformHandler {

    private static final Set<String> API_PATHS = Set.of("/v1/recommendations", "/v1/events", "/v1/models",
            "/v1/models/reload", "/v1/models/loop", "/v1/live", "/v1/users/recent", "/health/live", "/health/ready",
            "/metrics", "/openapi.yaml", "/");

    private final ApiMetrics metrics;

    private CountResponses(ApiMetrics metrics) {
        this.metrics = metrics;
    }

    static CountResponses create(ApiMetrics metrics) {
        return new CountResponses(metrics);
    }

    @Override
    public void handle(RoutingContext ctx) {
        String route = routeLabel(ctx.request().path());
        ctx.addEndHandler(ended -> metrics.responses.labels(route,
                Integer.toString(ctx.response().getStatusCode())).inc());
        ctx.next();
    }

    /** The API's own paths as they are; anything else (the page's files, unknown paths) as "other", to bound labels. */
    static String routeLabel(String path) {
        if (path == null) {
            return "other";
        }
        if (path.startsWith("/v1/features/")) {
            return path.endsWith("/history") ? "/v1/features/{entity}/history" : "/v1/features/{entity}";
        }
        return API_PATHS.contains(path) ? path : "other";
    }
}
