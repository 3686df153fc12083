package io.recsys.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The per-client quota over real HTTP: one request every 5 s per client (a burst of one), with the loopback address
 * a trusted proxy so that each test names its own client in X-Forwarded-For.
 */
class RateLimitTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static ApiFixture fixture;

    @BeforeAll
    static void start() throws Exception {
        fixture = new ApiFixture(dir, config -> config.rateLimit(0.2, List.of("127.0.0.0/8", "::1")));
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    private static HttpResponse<String> getAs(String client, String pathAndQuery) throws Exception {
        return fixture.http.send(HttpRequest.newBuilder(URI.create(fixture.base() + pathAndQuery))
                        .header("X-Forwarded-For", client).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aClientOverItsQuotaGets429WithRetryAfterAndAJsonReasonAndIsCounted() throws Exception {
        assertThat(getAs("203.0.113.1", "/v1/recommendations?user_id=u1&k=3").statusCode()).isEqualTo(200);

        HttpResponse<String> refused = getAs("203.0.113.1", "/v1/recommendations?user_id=u1&k=3");
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Retry-After").map(Integer::parseInt)).hasValueSatisfying(
                seconds -> assertThat(seconds).isBetween(1, 5));
        JsonNode body = JSON.readTree(refused.body());
        assertThat(body.get("error").asText()).isEqualTo("too_many_requests");
        assertThat(body.get("message").asText()).contains("0.2 requests per second", "203.0.113.1");

        String metrics = fixture.get("/metrics").body();
        assertThat(metrics).containsPattern(
                        "recsys_http_responses_total\\{route=\"/v1/recommendations\",status=\"429\",} [1-9]")
                .containsPattern("recsys_requests_rate_limited_total [1-9]");
    }

    @Test
    void eachClientHasItsOwnQuotaAndEveryV1RouteCountsTowardsIt() throws Exception {
        assertThat(getAs("203.0.113.2", "/v1/features/item:i1").statusCode()).isEqualTo(200);
        assertThat(getAs("203.0.113.2", "/v1/models").statusCode()).isEqualTo(429);
        assertThat(getAs("203.0.113.3", "/v1/models").statusCode()).isEqualTo(200);
    }

    @Test
    void healthMetricsAndThePageAreNeverLimited() throws Exception {
        for (int i = 0; i < 5; i++) {
            assertThat(getAs("203.0.113.4", "/health/live").statusCode()).isEqualTo(200);
            assertThat(getAs("203.0.113.4", "/metrics").statusCode()).isEqualTo(200);
            assertThat(getAs("203.0.113.4", "/openapi.yaml").statusCode()).isEqualTo(200);
        }
    }
}
