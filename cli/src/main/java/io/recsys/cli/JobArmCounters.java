package io.recsys.cli;

import io.recsys.api.live.PrometheusText;
import io.recsys.models.rollout.ArmCounts;
import io.recsys.models.rollout.LearningLoop;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Impressions and matched clicks per experiment arm as the feature job counts them ({@code ArmAttribution}:
 * the counters {@code arm_impressions} and {@code arm_clicks} in metric group {@code arm}), summed over its
 * subtasks and over every TaskManager's Prometheus endpoint given.
 */
final class JobArmCounters implements LearningLoop.ArmCounters {

    static final String IMPRESSIONS = "flink_taskmanager_job_task_operator_arm_impressions";
    static final String CLICKS = "flink_taskmanager_job_task_operator_arm_clicks";

    private final List<URI> endpoints;
    // HTTP/1.1: on plain HTTP the JDK client's h2c upgrade sometimes never returned, its timeout notwithstanding
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    JobArmCounters(List<URI> endpoints) {
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("the learning loop needs the feature job's Prometheus endpoint"
                    + " (--job-metrics URL) to read each arm's impressions and clicks");
        }
        this.endpoints = List.copyOf(endpoints);
    }

    @Override
    public Map<String, ArmCounts> read() throws IOException, InterruptedException {
        Map<String, Double> impressions = new TreeMap<>();
        Map<String, Double> clicks = new TreeMap<>();
        for (URI endpoint : endpoints) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(endpoint)
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IOException("the feature job's metrics at " + endpoint + " answered "
                        + response.statusCode());
            }
            PrometheusText scrape = PrometheusText.parse(response.body());
            scrape.sumBy(IMPRESSIONS, "arm").forEach((arm, n) -> impressions.merge(arm, n, Double::sum));
            scrape.sumBy(CLICKS, "arm").forEach((arm, n) -> clicks.merge(arm, n, Double::sum));
        }
        return byArm(impressions, clicks);
    }

    /** Each arm's counts from summed counter values; also what {@link PrometheusArmCounters} reads. */
    static Map<String, ArmCounts> byArm(Map<String, Double> impressions, Map<String, Double> clicks) {
        Set<String> arms = new TreeSet<>(impressions.keySet());
        arms.addAll(clicks.keySet());
        Map<String, ArmCounts> counts = new TreeMap<>();
        for (String arm : arms) {
            long shown = Math.round(impressions.getOrDefault(arm, 0.0));
            // a click can be counted before the impression it answers reaches its subtask's counter
            counts.put(arm, new ArmCounts(shown, Math.min(shown, Math.round(clicks.getOrDefault(arm, 0.0)))));
        }
        return counts;
    }
}
