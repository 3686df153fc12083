package io.recsys.api.live;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The feature job's own numbers, read from the Prometheus endpoint of its metrics reporter (Flink's
 * {@code PrometheusReporter}; {@code ./recsys demo} serves it on :9249): the API cannot see how many events enter
 * the job, how far behind it runs, or how the clicks it matched split over the experiment arms, except as the job
 * reports them. Names as the reporter writes them, the same the dashboards in k8s/monitoring read.
 */
final class JobMetrics {

    static final String EVENTS_VALID = "flink_taskmanager_job_task_operator_events_valid";
    static final String EVENTS_REJECTED = "flink_taskmanager_job_task_operator_reason_events_rejected";
    static final String EVENT_LAG = "flink_taskmanager_job_task_operator_store_last_event_time_lag_ms";
    static final String KAFKA_LAG = "flink_taskmanager_job_task_operator_KafkaSourceReader_KafkaConsumer_records_lag_max";
    static final String ARM_IMPRESSIONS = "flink_taskmanager_job_task_operator_arm_impressions";
    static final String ARM_CLICKS = "flink_taskmanager_job_task_operator_arm_clicks";

    /** Less than the sampling interval, so a job that does not answer costs one sample, not a queue of them. */
    private static final Duration TIMEOUT = Duration.ofMillis(800);

    private final URI url;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(TIMEOUT).build();

    JobMetrics(URI url) {
        this.url = url;
    }

    URI url() {
        return url;
    }

    /**
     * @throws IOException when the endpoint cannot be read, answers other than 200, or holds no job metrics yet
     */
    Reading.Job read() throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(url).timeout(TIMEOUT).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException(url + " answered HTTP " + response.statusCode());
        }
        try {
            return parse(response.body());
        } catch (IllegalArgumentException e) {
            throw new IOException(url + ": " + e.getMessage(), e);
        }
    }

    /**
     * @throws IllegalArgumentException when the text is not Prometheus text or has no events_valid (no job runs)
     */
    static Reading.Job parse(String text) {
        PrometheusText scrape = PrometheusText.parse(text);
        double valid = scrape.sum(EVENTS_VALID).orElseThrow(() -> new IllegalArgumentException(
                "no " + EVENTS_VALID + " in the scrape: is the feature job running?"));
        return new Reading.Job(valid, scrape.sum(EVENTS_REJECTED).orElse(0),
                scrape.max(EVENT_LAG).orElse(Double.NaN), scrape.max(KAFKA_LAG).orElse(Double.NaN),
                scrape.sumBy(ARM_IMPRESSIONS, "arm"), scrape.sumBy(ARM_CLICKS, "arm"));
    }
}
