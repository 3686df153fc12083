package io.recsys.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.recsys.api.serving.ErrorKind;
import io.recsys.api.serving.ProducerRefusal;
import io.recsys.api.serving.ShedReason;
import io.recsys.api.serving.StoreReadOutcome;
import io.recsys.schema.event.ExperimentArm;
import io.recsys.schema.event.RejectReason;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What an operator sees: a real Prometheus scrapes the running system (the feature job's reporter and the API's
 * /metrics) every second with the project's alert rules loaded, and every dashboard query is asked of it. A panel
 * on a labelled counter that nothing has incremented yet would say "no data" here as it does in Grafana, where it
 * should say 0.
 */
class DashboardQueriesOnRealPrometheusTest {

    /**
     * The Grafana variables the dashboards use, as Grafana sets them for a 1 s scrape interval, rounded up:
     * $__rate_interval is at least four scrape intervals, so that a rate always has two samples.
     */
    private static final Map<String, String> GRAFANA_VARIABLES = Map.of("$__rate_interval", "10s");
    /** each target that answered every scrape of the last 10 s, long enough for rate() over $__rate_interval */
    private static final String TARGETS_UP_FOR_TEN_SECONDS =
            "count by (job) (min_over_time(up[10s]) == 1 and count_over_time(up[10s]) >= 5)";

    @TempDir
    static Path dir;
    static RunningSystem system;
    static PrometheusServer prometheus;

    @BeforeAll
    static void runTheSystemWithPrometheusScrapingIt() throws Exception {
        system = RunningSystem.start(dir);
        system.awaitTheJobsCounts();
        Path prometheusDir = Files.createDirectories(dir.resolve("prometheus"));
        // job names as the ServiceMonitor and PodMonitor of k8s/monitoring/scrape-targets.yaml name them
        prometheus = PrometheusServer.start(prometheusDir, new TreeMap<>(Map.of(
                "ranker-api", system.apiMetricsUrl(),
                "recsys-features", system.jobMetricsUrl())), AlertRules.files());
        awaitSamplesFromEveryTarget();
        // traffic inside the window the rates look at, so histograms and rates have something to show
        system.exerciseTheApi();
        Thread.sleep(3 * PrometheusServer.SCRAPE_INTERVAL.toMillis());
    }

    @AfterAll
    static void stopPrometheusAndTheSystem() throws Exception {
        try {
            if (prometheus != null) {
                prometheus.close();
            }
        } finally {
            if (system != null) {
                system.close();
            }
        }
    }

    @Test
    void everyDashboardQueryReturnsDataFromARealPrometheus() throws Exception {
        Map<String, String> empty = new TreeMap<>();
        for (Map.Entry<String, String> panel : Dashboards.expressions().entrySet()) {
            String expression = withGrafanaVariablesSet(panel.getValue());
            assertThat(expression).as("%s uses a Grafana variable this test does not set", panel.getKey())
                    .doesNotContain("$");
            JsonNode answer = prometheus.query(expression);
            boolean hasData = answer.path("resultType").asText().equals("scalar") || !answer.path("result").isEmpty();
            if (!hasData) {
                empty.put(panel.getKey(), expression);
            }
        }
        assertThat(empty).as("dashboard queries that show \"no data\"").isEmpty();
    }

    /** The label sets behind the queries above exist because the code creates them at 0, not because of traffic. */
    @Test
    void everyLabelValueTheCodeKnowsIsASeriesEvenWithNothingCountedUnderIt() throws Exception {
        Set<String> rejectReasons = labels(RejectReason.values(), RejectReason::label);
        Set<String> apiRejectReasons = new TreeSet<>(rejectReasons);
        apiRejectReasons.addAll(labels(ProducerRefusal.values(), ProducerRefusal::label));

        assertThat(labelValues("flink_taskmanager_job_task_operator_reason_events_rejected", "reason"))
                .containsAll(rejectReasons);
        assertThat(labelValues("flink_taskmanager_job_task_operator_arm_impressions", "arm"))
                .containsAll(labels(ExperimentArm.values(), ExperimentArm::label));
        assertThat(labelValues("recsys_events_rejected_total", "reason")).containsAll(apiRejectReasons);
        assertThat(labelValues("recsys_errors_total", "kind"))
                .containsAll(labels(ErrorKind.values(), ErrorKind::label));
        assertThat(labelValues("recsys_requests_shed_by_reason_total", "reason"))
                .containsAll(labels(ShedReason.values(), ShedReason::label));
        assertThat(labelValues("recsys_store_reads_total", "outcome"))
                .containsAll(labels(StoreReadOutcome.values(), StoreReadOutcome::label));
        assertThat(labelValues("recsys_recommendations_total{arm=\"treatment\"}", "degraded"))
                .containsExactlyInAnyOrder("false", "true");
    }

    @Test
    void everyAlertRuleIsLoadedAndEvaluatesHealthy() throws Exception {
        List<String> expected = new ArrayList<>();
        AlertRules.files().forEach(file -> AlertRules.rules(file).forEach(rule ->
                expected.add(rule.has("alert") ? rule.path("alert").asText() : rule.path("record").asText())));
        // a rule's health is "unknown" until its first evaluation, a second after Prometheus loaded it
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        Map<String, String> healthByRule = ruleHealth();
        while (healthByRule.containsValue("unknown") && System.nanoTime() < deadline) {
            pause();
            healthByRule = ruleHealth();
        }

        assertThat(healthByRule.keySet()).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(healthByRule).as("rule health").allSatisfy((rule, health) -> assertThat(health).isEqualTo("ok"));
    }

    @Test
    void everyTargetIsUp() throws Exception {
        // a scrape must answer within the 1 s interval: on a loaded machine one may miss, the next one not
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        Map<String, String> healthByJob = targetHealth();
        while (!healthByJob.values().stream().allMatch("up"::equals) && System.nanoTime() < deadline) {
            pause();
            healthByJob = targetHealth();
        }

        assertThat(healthByJob).containsOnlyKeys("ranker-api", "recsys-features")
                .allSatisfy((job, health) -> assertThat(health).isEqualTo("up"));
    }

    /** The values {@code label} takes among the series {@code selector} selects. */
    private static Set<String> labelValues(String selector, String label) throws Exception {
        Set<String> values = new TreeSet<>();
        for (JsonNode series : prometheus.query(selector).path("result")) {
            values.add(series.path("metric").path(label).asText());
        }
        return values;
    }

    private static <E> Set<String> labels(E[] values, Function<E, String> label) {
        return Arrays.stream(values).map(label).collect(Collectors.toCollection(TreeSet::new));
    }

    /** Each scrape job → its target's health, with the error of its last scrape if it had one. */
    private static Map<String, String> targetHealth() throws Exception {
        Map<String, String> healthByJob = new TreeMap<>();
        for (JsonNode target : prometheus.targets().path("activeTargets")) {
            String lastError = target.path("lastError").asText();
            healthByJob.put(target.path("labels").path("job").asText(), target.path("health").asText()
                    + (lastError.isEmpty() ? "" : ": " + lastError));
        }
        return healthByJob;
    }

    /** Each rule's name → its health, with the error of its last evaluation if it had one. */
    private static Map<String, String> ruleHealth() throws Exception {
        Map<String, String> healthByRule = new TreeMap<>();
        for (JsonNode group : prometheus.rules().path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                String lastError = rule.path("lastError").asText();
                healthByRule.put(rule.path("name").asText(), rule.path("health").asText()
                        + (lastError.isEmpty() ? "" : ": " + lastError));
            }
        }
        return healthByRule;
    }

    private static String withGrafanaVariablesSet(String expression) {
        String set = expression;
        for (Map.Entry<String, String> variable : GRAFANA_VARIABLES.entrySet()) {
            set = set.replace(variable.getKey(), variable.getValue());
        }
        return set;
    }

    private static void awaitSamplesFromEveryTarget() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (prometheus.query(TARGETS_UP_FOR_TEN_SECONDS).path("result").size() < 2) {
            assertThat(System.nanoTime()).as("10 s of successful scrapes of both targets; Prometheus' targets: %s\n%s",
                    prometheus.targets(), prometheus.log()).isLessThan(deadline);
            pause();
        }
    }

    private static void pause() throws InterruptedException {
        Thread.sleep(PrometheusServer.SCRAPE_INTERVAL.toMillis());
    }
}
