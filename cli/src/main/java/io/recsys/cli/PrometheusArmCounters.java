package io.recsys.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.recsys.models.rollout.ArmCounts;
import io.recsys.models.rollout.LearningLoop;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * Each arm's impressions and clicks from a Prometheus server that scrapes the feature job: in Kubernetes the
 * TaskManagers have no Service of their own, and Prometheus already finds every one of them.
 */
final class PrometheusArmCounters implements LearningLoop.ArmCounters {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String base;
    // HTTP/1.1: on plain HTTP the JDK client's h2c upgrade sometimes never returned, its timeout notwithstanding
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    PrometheusArmCounters(URI prometheus) {
        this.base = prometheus.toString().replaceAll("/+$", "");
    }

    @Override
    public Map<String, ArmCounts> read() throws IOException, InterruptedException {
        return JobArmCounters.byArm(sumByArm(JobArmCounters.IMPRESSIONS), sumByArm(JobArmCounters.CLICKS));
    }

    private Map<String, Double> sumByArm(String metric) throws IOException, InterruptedException {
        String query = "sum by (arm) (" + metric + ")";
        URI uri = URI.create(base + "/api/v1/query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8));
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                .build(), HttpResponse.BodyHandlers.ofString());
        JsonNode answer = JSON.readTree(response.body());
        if (response.statusCode() != 200 || !"success".equals(answer.path("status").asText())) {
            throw new IOException("Prometheus at " + base + " answered " + response.statusCode() + " to " + query
                    + ": " + answer.path("error").asText(response.body()));
        }
        Map<String, Double> sums = new TreeMap<>();
        for (JsonNode series : answer.path("data").path("result")) {
            sums.put(series.path("metric").path("arm").asText(), series.path("value").path(1).asDouble());
        }
        return sums;
    }
}
