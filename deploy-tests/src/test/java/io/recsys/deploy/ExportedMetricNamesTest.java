package io.recsys.deploy;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every metric the alert rules and the dashboards read is one the system really exports. The names come from the
 * running system, not from a list: the feature job runs on a MiniCluster with Flink's Prometheus reporter over
 * simulated events until a checkpoint has completed, the ranker API serves a few requests, and both are scraped.
 */
class ExportedMetricNamesTest {

    /**
     * Series that exist only in production, where Prometheus scrapes targets. Keep this list minimal: anything
     * on it is a name no test can check.
     */
    static final Set<String> PRODUCTION_ONLY = Set.of(
            "up"); // Prometheus' own per-target series: 1 when the last scrape succeeded

    @TempDir
    static Path dir;
    /** every metric name either scrape holds → the label names its samples carry */
    static Map<String, Set<String>> exported;

    @BeforeAll
    static void runTheSystemAndScrapeIt() throws Exception {
        PrometheusText flink;
        PrometheusText api;
        try (RunningSystem system = RunningSystem.start(dir)) {
            flink = system.awaitTheJobsCounts();
            system.exerciseTheApi();
            api = PrometheusText.scrape(system.apiMetricsUrl());
        }
        exported = new TreeMap<>(flink.labels());
        exported.putAll(api.labels());
        // a family with no sample yet is still exported: its "# TYPE" line names it
        flink.names().forEach(name -> exported.putIfAbsent(name, new TreeSet<>()));
        api.names().forEach(name -> exported.putIfAbsent(name, new TreeSet<>()));
        // for whoever writes the next rule or panel: what there is to choose from, with the labels
        Path target = Path.of("target");
        if (Files.isDirectory(target)) {
            Files.writeString(target.resolve("scrape-feature-job.txt"), flink.text());
            Files.writeString(target.resolve("scrape-ranker-api.txt"), api.text());
        }
    }

    @Test
    void everyMetricTheAlertRulesReadIsExported() {
        assertThat(unexported(AlertRules.expressions())).isEmpty();
    }

    @Test
    void everyMetricTheDashboardsReadIsExported() {
        assertThat(unexported(Dashboards.expressions())).isEmpty();
    }

    @Test
    void everyLabelTheRulesAndDashboardsSelectOnIsOneTheMetricCarries() {
        Map<String, String> expressions = new TreeMap<>(AlertRules.expressions());
        expressions.putAll(Dashboards.expressions());
        Map<String, Set<String>> missing = new TreeMap<>();
        expressions.forEach((where, expression) -> PromQl.selectors(expression).forEach((name, labels) -> {
            Set<String> carried = exported.get(name);
            if (carried != null) {
                labels.stream().filter(label -> !carried.contains(label))
                        .forEach(label -> missing.computeIfAbsent(where, w -> new TreeSet<>())
                                .add(name + "{" + label + "}"));
            }
        }));
        assertThat(missing).isEmpty();
    }

    @Test
    void theScrapesHoldTheApisAndTheJobsOwnMetrics() {
        // guards the tests above against an empty scrape, which would make every name look unexported
        assertThat(exported).containsKeys("recsys_request_duration_seconds_bucket", "recsys_model_info",
                "flink_taskmanager_job_task_operator_events_valid",
                "flink_jobmanager_job_numberOfCompletedCheckpoints");
    }

    /**
     * The API's JVM metrics come from the same simpleclient the feature job's Prometheus reporter uses on this
     * classpath; when the reporter jar's own old copy came first, the JVM collectors failed and /metrics answered 500.
     */
    @Test
    void theApiExportsTheJvmsMetricsBesideFlinksReporter() {
        assertThat(exported).containsKeys("jvm_memory_bytes_used", "jvm_gc_collection_seconds_sum",
                "jvm_threads_current");
    }

    /** "where" → the names its expression reads that neither scrape has, minus the allow-lists. */
    private static Map<String, Set<String>> unexported(Map<String, String> expressions) {
        Map<String, Set<String>> missing = new TreeMap<>();
        expressions.forEach((where, expression) -> {
            for (String name : PromQl.metricNames(expression)) {
                boolean known = exported.containsKey(name) || exported.containsKey(PromQl.baseName(name))
                        || PRODUCTION_ONLY.contains(name);
                if (!known) {
                    missing.computeIfAbsent(where, w -> new TreeSet<>()).add(name);
                }
            }
        });
        return missing;
    }
}
