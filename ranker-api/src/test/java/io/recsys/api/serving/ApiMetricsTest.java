package io.recsys.api.serving;

import io.prometheus.client.exporter.common.TextFormat;
import io.recsys.schema.event.RejectReason;
import org.junit.jupiter.api.Test;

import java.io.StringWriter;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ApiMetricsTest {

    private static String exported(ApiMetrics metrics) throws Exception {
        StringWriter text = new StringWriter();
        TextFormat.write004(text, metrics.registry.metricFamilySamples());
        return text.toString();
    }

    @Test
    void aFreshServerExportsEveryLabelTheCodeCanCountAtZeroSoDashboardsShowZeroNotNoData() throws Exception {
        String text = exported(new ApiMetrics());

        for (RejectReason reason : RejectReason.values()) {
            assertThat(text).contains("recsys_events_rejected_total{reason=\"" + reason.label() + "\",} 0.0");
        }
        for (ProducerRefusal refusal : ProducerRefusal.values()) {
            assertThat(text).contains("recsys_events_rejected_total{reason=\"" + refusal.label() + "\",} 0.0");
        }
        for (ErrorKind kind : ErrorKind.values()) {
            assertThat(text).contains("recsys_errors_total{kind=\"" + kind.label() + "\",} 0.0");
        }
        for (ShedReason reason : ShedReason.values()) {
            assertThat(text).contains("recsys_requests_shed_by_reason_total{reason=\"" + reason.label() + "\",} 0.0");
        }
        for (StoreReadOutcome outcome : StoreReadOutcome.values()) {
            assertThat(text).contains("recsys_store_reads_total{outcome=\"" + outcome.label() + "\",} 0.0");
        }
        assertThat(text).contains("recsys_events_rejected_total{reason=\"forbidden\",} 0.0")
                .contains("recsys_requests_shed_by_reason_total{reason=\"queue_time\",} 0.0");
    }

    @Test
    void theArmsNowServingExportTheirRecommendationsDegradedAndNotAndTheirImpressionsAtZero() throws Exception {
        ApiMetrics metrics = new ApiMetrics();
        metrics.nowServing(Map.of(ServingModels.CONTROL, "v1"));

        metrics.nowServing(Map.of(ServingModels.CONTROL, "v1", ServingModels.TREATMENT, "v2"));

        String text = exported(metrics);
        for (String series : List.of("model_version=\"v1\",arm=\"control\"",
                "model_version=\"v2\",arm=\"treatment\"")) {
            assertThat(text).contains("recsys_recommendations_total{" + series + ",degraded=\"true\",} 0.0")
                    .contains("recsys_recommendations_total{" + series + ",degraded=\"false\",} 0.0");
        }
        assertThat(text).contains("recsys_impressions_logged_total{arm=\"control\",} 0.0")
                .contains("recsys_impressions_logged_total{arm=\"treatment\",} 0.0")
                .contains("recsys_model_info{arm=\"treatment\",model_version=\"v2\",} 1.0");
    }

    @Test
    void aBundleNoLongerServingIsNoLongerInTheModelInfo() throws Exception {
        ApiMetrics metrics = new ApiMetrics();
        metrics.nowServing(Map.of(ServingModels.CONTROL, "v1", ServingModels.TREATMENT, "v2"));

        metrics.nowServing(Map.of(ServingModels.CONTROL, "v2"));

        assertThat(exported(metrics)).contains("recsys_model_info{arm=\"control\",model_version=\"v2\",} 1.0")
                .doesNotContain("recsys_model_info{arm=\"treatment\"")
                .doesNotContain("recsys_model_info{arm=\"control\",model_version=\"v1\"");
    }
}
