package io.recsys.deploy;

import io.recsys.api.ApiConfig;
import io.recsys.api.RankerApi;
import io.recsys.jobs.features.FeatureJob;
import io.recsys.jobs.features.FeatureJobRunner;
import io.recsys.jobs.features.FeatureJobSettings;
import io.recsys.jobs.features.KafkaEndpoints;
import io.recsys.jobs.replay.EventPublisher;
import io.recsys.kafka.EmbeddedKafka;
import io.recsys.kafka.KafkaConnection;
import io.recsys.kafka.Topics;
import io.recsys.models.bundle.BundleRegistry;
import io.recsys.models.bundle.SyntheticBundles;
import io.recsys.schema.event.Event;
import io.recsys.schema.event.EventCodec;
import io.recsys.schema.event.ItemAttributes;
import io.recsys.schema.feature.FeatureRegistry;
import io.recsys.simulator.Simulator;
import io.recsys.simulator.SimulatorConfig;
import io.recsys.store.testing.TestDatabases;
import org.apache.flink.core.execution.JobClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

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

    private static final String TOKEN = "metrics-test-token";
    private static final FeatureRegistry REGISTRY = FeatureRegistry.load();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    static Path dir;
    static EmbeddedKafka kafka;
    /** every metric name either scrape holds → the label names its samples carry */
    static Map<String, Set<String>> exported;

    @BeforeAll
    static void runTheSystemAndScrapeIt() throws Exception {
        kafka = EmbeddedKafka.start(dir.resolve("kafka"));
        Topics.ensure(kafka.connection(), 2);
        String storeUrl = TestDatabases.freshH2();
        PrometheusText flink = scrapeTheFeatureJob(storeUrl);
        PrometheusText api = scrapeTheApi(storeUrl);
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

    @AfterAll
    static void stopKafka() {
        if (kafka != null) {
            kafka.close();
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

    /** The feature job over simulated events (and one malformed record), scraped once a checkpoint completed. */
    private static PrometheusText scrapeTheFeatureJob(String storeUrl) throws Exception {
        KafkaConnection connection = kafka.connection();
        Simulator simulator = new Simulator(SimulatorConfig.small(3).withUsersAndItems(100, 200));
        try (EventPublisher catalogue = new EventPublisher(connection, Topics.CATALOGUE, 1);
             EventPublisher events = new EventPublisher(connection, Topics.EVENTS, 2)) {
            for (ItemAttributes item : simulator.catalogue()) {
                catalogue.publishRaw(item.itemId(), item.toJson());
            }
            List<Event> history = simulator.history(40);
            events.publish(history, 0, sent -> { });
            // a list served by arm A and a click on it, after the history, so the per-arm counters have samples
            long now = history.get(history.size() - 1).eventTime() + 1_000;
            for (int position = 1; position <= 3; position++) {
                events.send(Event.impression("arm-i" + position, "arm-r1", "u1", "i" + position, position, "home",
                        "v1", "A", now + position));
            }
            events.send(Event.feedback("arm-c1", io.recsys.schema.event.EventType.CLICK, "arm-r1", "u1", "i2",
                    now + 10));
            events.publishRaw("u1", "{not json");
        }
        FeatureJobSettings settings = FeatureJobSettings.defaults(dir.resolve("checkpoints")).withParallelism(1)
                .withCheckpointInterval(Duration.ofMillis(500));
        FeatureJob job = FeatureJob.onKafka(connection, KafkaEndpoints.events(connection, Topics.EVENTS),
                KafkaEndpoints.catalogue(connection, Topics.CATALOGUE), storeUrl, REGISTRY, settings.sinkBatching());
        int port = freePort();
        JobClient client = FeatureJobRunner.startLocal(job, settings, port, "metrics-test");
        try {
            String url = "http://127.0.0.1:" + port + "/metrics";
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (true) {
                PrometheusText scrape = tryScrape(url);
                if (scrape != null
                        && scrape.max("flink_jobmanager_job_numberOfCompletedCheckpoints").orElse(0) >= 1
                        && scrape.max("flink_taskmanager_job_task_operator_events_valid").orElse(0) > 0
                        // the per-arm counters appear with the first list of an arm, which comes last
                        && scrape.max("flink_taskmanager_job_task_operator_arm_clicks").orElse(0) > 0) {
                    return scrape;
                }
                assertThat(System.nanoTime()).as("a completed checkpoint and counted events, arms too, on %s", url)
                        .isLessThan(deadline);
                Thread.sleep(500);
            }
        } finally {
            client.cancel().get(30, TimeUnit.SECONDS);
        }
    }

    private static PrometheusText tryScrape(String url) {
        try {
            return PrometheusText.scrape(url);
        } catch (Exception notYetListening) {
            return null;
        }
    }

    /** The API on two bundles (control and treatment), after recommendations, events, a reload and a refused one. */
    private static PrometheusText scrapeTheApi(String storeUrl) throws Exception {
        BundleRegistry bundles = new BundleRegistry(dir.resolve("bundles"));
        SyntheticBundles.write(bundles.root(), "v1", 1, REGISTRY.version());
        SyntheticBundles.write(bundles.root(), "v2", 2, REGISTRY.version());
        bundles.promote("v1");
        ApiConfig config = new ApiConfig("127.0.0.1", 0, ApiConfig.DEFAULT_BODY_LIMIT, TOKEN, null, bundles.root(),
                storeUrl, kafka.connection(), 16, 2, 5_000, 1000, 100, 20, 0.1, Set.of());
        try (RankerApi api = RankerApi.start(config, REGISTRY)) {
            String base = "http://127.0.0.1:" + api.port();
            assertThat(send(HttpRequest.newBuilder(URI.create(base + "/v1/models/reload?version=v1&treatment=v2"
                    + "&treatment_share=0.5")).header("Authorization", "Bearer " + TOKEN)
                    .POST(HttpRequest.BodyPublishers.noBody()))).isEqualTo(200);
            for (int user = 1; user <= 20; user++) {
                assertThat(send(HttpRequest.newBuilder(URI.create(base + "/v1/recommendations?user_id=u" + user
                        + "&k=5")).GET())).isEqualTo(200);
            }
            Event click = Event.feedback("metrics-click", io.recsys.schema.event.EventType.CLICK, null, "u1", "i1",
                    System.currentTimeMillis());
            assertThat(send(HttpRequest.newBuilder(URI.create(base + "/v1/events"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(EventCodec.encode(click))))).isEqualTo(202);
            assertThat(send(HttpRequest.newBuilder(URI.create(base + "/v1/events"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"v\":1}")))).isEqualTo(400);
            assertThat(send(HttpRequest.newBuilder(URI.create(base + "/v1/recommendations?k=5")).GET()))
                    .isEqualTo(400);
            // a refused bundle, so that recsys_errors_total has a sample and shows its label
            assertThat(send(HttpRequest.newBuilder(URI.create(base + "/v1/models/reload?version=no-such-bundle"))
                    .header("Authorization", "Bearer " + TOKEN).POST(HttpRequest.BodyPublishers.noBody())))
                    .isEqualTo(409);
            return PrometheusText.scrape(base + "/metrics");
        }
    }

    private static int send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
