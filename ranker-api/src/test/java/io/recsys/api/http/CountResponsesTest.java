package io.recsys.api.http;

import io.recsys.api.serving.ApiMetrics;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class CountResponsesTest {

    @Test
    void theApiPathsAreTheirOwnLabelAndEverythingElseIsOther() {
        assertThat(CountResponses.routeLabel("/v1/recommendations")).isEqualTo("/v1/recommendations");
        assertThat(CountResponses.routeLabel("/health/ready")).isEqualTo("/health/ready");
        assertThat(CountResponses.routeLabel("/")).isEqualTo("/");
        assertThat(CountResponses.routeLabel("/v1/features/user:u1")).isEqualTo("/v1/features/{entity}");
        assertThat(CountResponses.routeLabel("/v1/features/item:i7/history"))
                .isEqualTo("/v1/features/{entity}/history");
        assertThat(CountResponses.routeLabel("/app.js")).isEqualTo("other");
        assertThat(CountResponses.routeLabel("/v1/recommendations/extra")).isEqualTo("other");
        assertThat(CountResponses.routeLabel(null)).isEqualTo("other");
    }

    @Test
    void everyAnswerIsCountedByRouteAndStatusRefusalsAndUnknownPathsIncluded() throws Exception {
        ApiMetrics metrics = new ApiMetrics();
        try (RouterOnAPort server = new RouterOnAPort(router -> {
            router.route().handler(CountResponses.create(metrics));
            router.get("/v1/recommendations").handler(ctx -> ctx.response().end("ok"));
            router.get("/v1/events").handler(ctx -> ctx.response().setStatusCode(401).end());
        })) {
            server.get("/v1/recommendations");
            server.get("/v1/recommendations");
            server.get("/v1/events");
            server.get("/no/such/path");
            awaitCount(metrics, "/v1/recommendations", "200", 2);
            awaitCount(metrics, "/v1/events", "401", 1);
            awaitCount(metrics, "other", "404", 1);
        }
    }

    /** Counted when the response has ended, which may be just after the client has read it. */
    private static void awaitCount(ApiMetrics metrics, String route, String status, double expected)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        Double count = null;
        while (System.nanoTime() < deadline) {
            count = metrics.registry.getSampleValue("recsys_http_responses_total",
                    new String[]{"route", "status"}, new String[]{route, status});
            if (count != null && count == expected) {
                break;
            }
            Thread.sleep(10);
        }
        assertThat(count).as("responses on %s with %s", route, status).isEqualTo(expected);
    }
}
