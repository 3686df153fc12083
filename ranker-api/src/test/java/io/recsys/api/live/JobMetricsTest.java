package io.recsys.api.live;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JobMetricsTest {

    /** Lines as Flink's Prometheus reporter writes them: counters as gauges, one sample per subtask. */
    private static final String SCRAPE = """
            # HELP flink_taskmanager_job_task_operator_events_valid events_valid (scope: taskmanager_job_task_operator)
            # TYPE flink_taskmanager_job_task_operator_events_valid gauge
            flink_taskmanager_job_task_operator_events_valid{job_name="recsys-features",task_name="validate",subtask_index="0",} 1200.0
            flink_taskmanager_job_task_operator_events_valid{job_name="recsys-features",task_name="validate",subtask_index="1",} 800.0
            flink_taskmanager_job_task_operator_reason_events_rejected{reason="late",subtask_index="0",} 3.0
            flink_taskmanager_job_task_operator_reason_events_rejected{reason="malformed",subtask_index="1",} 2.0
            flink_taskmanager_job_task_operator_store_last_event_time_lag_ms{subtask_index="0",} 120.0
            flink_taskmanager_job_task_operator_store_last_event_time_lag_ms{subtask_index="1",} 340.0
            flink_taskmanager_job_task_operator_KafkaSourceReader_KafkaConsumer_records_lag_max{subtask_index="0",} NaN
            flink_taskmanager_job_task_operator_arm_impressions{arm="control",subtask_index="0",} 600.0
            flink_taskmanager_job_task_operator_arm_impressions{arm="control",subtask_index="1",} 400.0
            flink_taskmanager_job_task_operator_arm_clicks{arm="control",subtask_index="1",} 50.0
            flink_taskmanager_job_task_operator_arm_impressions{arm="tre\\"at",subtask_index="0",} 10.0
            """;

    @Test
    void sumsCountersOverSubtasksAndTakesTheLargestLag() {
        Reading.Job job = JobMetrics.parse(SCRAPE);

        assertThat(job.eventsValid()).isEqualTo(2000.0);
        assertThat(job.eventsRejected()).isEqualTo(5.0);
        assertThat(job.eventLagMillis()).isEqualTo(340.0);
        assertThat(job.kafkaLagRecords()).as("the source reported no lag yet").isNaN();
    }

    @Test
    void readsImpressionsAndClicksPerArmWithEscapedLabelValues() {
        Reading.Job job = JobMetrics.parse(SCRAPE);

        assertThat(job.impressionsByArm()).containsEntry("control", 1000.0).containsEntry("tre\"at", 10.0);
        assertThat(job.clicksByArm()).containsOnlyKeys("control").containsEntry("control", 50.0);
    }

    @Test
    void aScrapeWithoutTheJobsEventCountSaysTheJobMayNotRun() {
        assertThatThrownBy(() -> JobMetrics.parse("jvm_threads_current 12.0\n"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is the feature job running?");
    }

    @Test
    void textThatIsNotPrometheusIsRefusedNamingTheLine() {
        assertThatThrownBy(() -> JobMetrics.parse("<html>not metrics</html>"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("<html>");
    }
}
