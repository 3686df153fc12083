package io.recsys.benchmarks;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ScrapeDifferenceTest {

    /** Two scrapes as simpleclient 0.16 writes them (a trailing comma in every label set). */
    private static final String BEFORE = """
            # HELP recsys_requests_shed_by_reason_total Refused requests by reason
            # TYPE recsys_requests_shed_by_reason_total counter
            recsys_requests_shed_by_reason_total{reason="in_flight",} 3.0
            recsys_requests_shed_by_reason_total{reason="queue_time",} 0.0
            # TYPE recsys_request_duration_seconds histogram
            recsys_request_duration_seconds_bucket{stage="total",le="0.001",} 10.0
            recsys_request_duration_seconds_bucket{stage="total",le="0.01",} 20.0
            recsys_request_duration_seconds_bucket{stage="total",le="+Inf",} 20.0
            recsys_request_duration_seconds_count{stage="total",} 20.0
            """;
    private static final String AFTER = """
            # TYPE recsys_requests_shed_by_reason_total counter
            recsys_requests_shed_by_reason_total{reason="in_flight",} 10.0
            recsys_requests_shed_by_reason_total{reason="queue_time",} 2.0
            recsys_requests_shed_by_reason_total{reason="rate",extra="x",} 99.0
            # TYPE recsys_request_duration_seconds histogram
            recsys_request_duration_seconds_bucket{stage="total",le="0.001",} 10.0
            recsys_request_duration_seconds_bucket{stage="total",le="0.01",} 120.0
            recsys_request_duration_seconds_bucket{stage="total",le="+Inf",} 120.0
            recsys_request_duration_seconds_count{stage="total",} 120.0
            recsys_queue_wait_seconds_bucket{le="0.001",} 4.0
            recsys_queue_wait_seconds_bucket{le="+Inf",} 4.0
            """;

    @Test
    void countersGrowByTheDifferenceOfTheTwoScrapesKeyedByTheLabel() {
        Map<String, Object> increase = ScrapeDifference.counterIncrease(BEFORE, AFTER,
                ScrapeDifference.byLabel("recsys_requests_shed_by_reason_total", "reason"));

        assertThat(increase).containsExactly(Map.entry("in_flight", 7L), Map.entry("queue_time", 2L),
                Map.entry("rate", 99L));
    }

    @Test
    void stageLatencyCountsOnlyTheRequestsBetweenTheScrapes() {
        Map<String, Object> stages = ScrapeDifference.stageLatency(BEFORE, AFTER);

        // the 100 requests in between all fell in (1 ms, 10 ms]: the median is halfway, 5.5 ms
        @SuppressWarnings("unchecked")
        Map<String, Double> total = (Map<String, Double>) stages.get("total");
        assertThat(total.get("p50_ms")).isCloseTo(5.5, within(1e-9));
        assertThat(total.get("p99_ms")).isCloseTo(1 + 9 * 0.99, within(1e-9));
        assertThat(stages).containsKeys("total", "queue");
    }

    @Test
    void aStageWithoutRequestsHasNoPercentiles() {
        @SuppressWarnings("unchecked")
        Map<String, Double> total = (Map<String, Double>) ScrapeDifference.stageLatency(BEFORE, BEFORE).get("total");

        assertThat(total.get("p50_ms")).isNaN();
    }

    @Test
    void aQuantileInTheOpenBucketIsTheLargestFiniteBound() {
        Map<Double, Double> cumulative = new java.util.TreeMap<>(Map.of(0.001, 1.0, 0.01, 1.0,
                Double.POSITIVE_INFINITY, 10.0));

        assertThat(ScrapeDifference.quantile(cumulative, 0.99)).isCloseTo(10.0, within(1e-9));
    }
}
