package io.recsys.deploy;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PromQlTest {

    @Test
    void namesInsideFunctionsAndAggregationsAreMetricsButLabelsAndFunctionsAreNot() {
        assertThat(PromQl.metricNames("histogram_quantile(0.99, sum by (le, stage) "
                + "(rate(recsys_request_duration_seconds_bucket{stage=~\"total|gbdt\"}[$__rate_interval])))"))
                .containsExactly("recsys_request_duration_seconds_bucket");
    }

    @Test
    void bothSidesOfABinaryOperatorWithVectorMatchingAreMetrics() {
        assertThat(PromQl.metricNames("sum without (arm) (a_total) / ignoring(reason) group_left(x) b"
                + " > bool 0.5 and on() vector(1) unless c offset 5m"))
                .containsExactly("a_total", "b", "c");
    }

    @Test
    void stringsNumbersDurationsAndGrafanaVariablesAreNotMetrics() {
        assertThat(PromQl.metricNames("label_replace(up{job=\"a}b\"}, \"dst\", \"$1\", \"src\", \"(.*)\")"
                + " * 1e3 + 0.5 - $threshold + x[1h30m:1m]"))
                .containsExactly("up", "x");
    }

    @Test
    void theLabelsASelectorMatchesOnBelongToItsMetric() {
        assertThat(PromQl.selectors("sum by (arm) (rate(a_total{kind=\"internal\", route=~\"/v1/.*,x\"}[5m]))"
                + " / b{} + c"))
                .containsEntry("a_total", java.util.Set.of("kind", "route"))
                .containsEntry("b", java.util.Set.of())
                .containsEntry("c", java.util.Set.of());
    }

    @Test
    void aBareMetricIsAMetric() {
        assertThat(PromQl.metricNames("recsys_model_info")).containsExactly("recsys_model_info");
    }

    @Test
    void histogramSeriesGoByTheirFamilysName() {
        assertThat(PromQl.baseName("recsys_served_score_bucket")).isEqualTo("recsys_served_score");
        assertThat(PromQl.baseName("recsys_served_score_count")).isEqualTo("recsys_served_score");
        assertThat(PromQl.baseName("recsys_errors_total")).isEqualTo("recsys_errors_total");
    }
}
