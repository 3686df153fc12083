package io.recsys.benchmarks.api;

import io.recsys.benchmarks.ScrapeDifference;
import io.recsys.benchmarks.Wrk;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ApiBenchTest {

    @Test
    void aRunCountsRefusedRequestsOutOfTheAnsweredRate() {
        Map<String, Object> run = ApiBench.run(16, new Wrk.Summary(30_000, 30.0, 8_500, 13_000, 21_000, 40_000,
                61_020, 2, 3_000));

        assertThat(run).containsEntry("requests_per_s", 1_000L).containsEntry("ok_per_s", 900L)
                .containsEntry("refused_non_2xx", 3_000L).containsEntry("socket_errors", 2L);
        assertThat(run.get("latency_ms")).isEqualTo(Map.of("p50", 8.5, "p90", 13.0, "p99", 21.0, "p99.9", 40.0,
                "max", 61.02));
    }

    @Test
    void responsesAreCountedForTheRecommendationsRouteOnly() {
        String before = """
                recsys_http_responses_total{route="/v1/recommendations",status="200",} 5.0
                recsys_http_responses_total{route="/v1/events",status="202",} 1.0
                """;
        String after = """
                recsys_http_responses_total{route="/v1/recommendations",status="200",} 15.0
                recsys_http_responses_total{route="/v1/recommendations",status="503",} 4.0
                recsys_http_responses_total{route="/v1/events",status="202",} 9.0
                """;

        assertThat(ScrapeDifference.counterIncrease(before, after, ApiBench.RECOMMENDATION_RESPONSES))
                .containsExactly(Map.entry("200", 10L), Map.entry("503", 4L));
    }
}
