package io.recsys.deploy;

import io.recsys.api.ApiConfig;
import io.recsys.api.RankerApi;
import io.recsys.cli.LoopJournal;
import io.recsys.jobs.features.FeatureJob;
import io.recsys.jobs.features.FeatureJobRunner;
import io.recsys.jobs.features.FeatureJobSettings;
import io.recsys.jobs.features.KafkaEndpoints;
import io.recsys.kafka.EventPublisher;
import io.recsys.kafka.KafkaConnection;
import io.recsys.kafka.Topics;
import io.recsys.kafka.embedded.EmbeddedKafka;
import io.recsys.models.bundle.BundleRegistry;
import io.recsys.models.training.SyntheticBundles;
import io.recsys.schema.event.Event;
import io.recsys.schema.event.EventCodec;
import io.recsys.schema.event.EventType;
import io.recsys.schema.event.ItemAttributes;
import io.recsys.schema.feature.FeatureRegistry;
import io.recsys.simulator.Simulator;
import io.recsys.simulator.SimulatorConfig;
import io.recsys.store.testing.TestDatabases;
import org.apache.flink.core.execution.JobClient;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The system the demo runs, in this JVM: embedded Kafka, the feature job on a MiniCluster with Flink's Prometheus
 * reporter over simulated events (a list served by an arm and a click on it among them, and one malformed record),
 * an H2 feature store, the ranker API on two bundles, and the learning loop's metrics as the demo hosts them. All
 * keep running until {@link #close()}, so a scraper may watch them.
 */
final class RunningSystem implements AutoCloseable {

    private static final String ADMIN_TOKEN = "metrics-test-token";
    private static final FeatureRegistry REGISTRY = FeatureRegistry.load();
    // HTTP/1.1: on plain HTTP the JDK client's h2c upgrade sometimes never returned, its timeout notwithstanding
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private final EmbeddedKafka kafka;
    private JobClient job;
    private RankerApi api;
    private String jobMetricsUrl;

    private RunningSystem(EmbeddedKafka kafka) {
        this.kafka = kafka;
    }

    static RunningSystem start(Path dir) throws Exception {
        RunningSystem system = new RunningSystem(EmbeddedKafka.start(dir.resolve("kafka")));
        try {
            Topics.ensure(system.kafka.connection(), 2);
            String storeUrl = TestDatabases.freshH2();
            system.startTheFeatureJob(dir, storeUrl);
            system.startTheApi(dir, storeUrl);
            return system;
        } catch (Exception | AssertionError e) {
            system.close();
            throw e;
        }
    }

    /** Where Flink's Prometheus reporter serves the job's metrics. */
    String jobMetricsUrl() {
        return jobMetricsUrl;
    }

    String apiMetricsUrl() {
        return apiBase() + "/metrics";
    }

    /**
     * The job's metrics once a checkpoint has completed and every simulated event is counted; the per-arm
     * counters appear with the first list of an arm, which comes last.
     */
    PrometheusText awaitTheJobsCounts() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (true) {
            PrometheusText scrape = tryScrape(jobMetricsUrl);
            if (scrape != null
                    && scrape.max("flink_jobmanager_job_numberOfCompletedCheckpoints").orElse(0) >= 1
                    && scrape.max("flink_taskmanager_job_task_operator_events_valid").orElse(0) > 0
                    && scrape.max("flink_taskmanager_job_task_operator_arm_clicks").orElse(0) > 0) {
                return scrape;
            }
            assertThat(System.nanoTime()).as("a completed checkpoint and counted events, arms too, on %s",
                    jobMetricsUrl).isLessThan(deadline);
            Thread.sleep(500);
        }
    }

    /**
     * What a client does to the API: a treatment reload, recommendations for both arms, an accepted and a refused
     * event, a bad request, and a refused bundle (so that recsys_errors_total counts something).
     */
    void exerciseTheApi() throws Exception {
        String base = apiBase();
        assertThat(send(HttpRequest.newBuilder(URI.create(base + "/v1/models/reload?version=v1&treatment=v2"
                + "&treatment_share=0.5")).header("Authorization", "Bearer " + ADMIN_TOKEN)
                .POST(HttpRequest.BodyPublishers.noBody()))).isEqualTo(200);
        for (int user = 1; user <= 20; user++) {
            assertThat(send(HttpRequest.newBuilder(URI.create(base + "/v1/recommendations?user_id=u" + user
                    + "&k=5")).GET())).isEqualTo(200);
        }
        Event click = Event.feedback("metrics-click", EventType.CLICK, null, "u1", "i1", System.currentTimeMillis());
        assertThat(send(HttpRequest.newBuilder(URI.create(base + "/v1/events"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(EventCodec.encode(click))))).isEqualTo(202);
        assertThat(send(HttpRequest.newBuilder(URI.create(base + "/v1/events"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"v\":1}")))).isEqualTo(400);
        assertThat(send(HttpRequest.newBuilder(URI.create(base + "/v1/recommendations?k=5")).GET()))
                .isEqualTo(400);
        assertThat(send(HttpRequest.newBuilder(URI.create(base + "/v1/models/reload?version=no-such-bundle"))
                .header("Authorization", "Bearer " + ADMIN_TOKEN).POST(HttpRequest.BodyPublishers.noBody())))
                .isEqualTo(409);
    }

    @Override
    public void close() {
        try {
            if (job != null) {
                job.cancel().get(30, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            throw new IllegalStateException("the feature job did not cancel", e);
        } finally {
            if (api != null) {
                api.close();
            }
            kafka.close();
        }
    }

    private void startTheFeatureJob(Path dir, String storeUrl) throws Exception {
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
            events.send(Event.feedback("arm-c1", EventType.CLICK, "arm-r1", "u1", "i2", now + 10));
            events.publishRaw("u1", "{not json");
        }
        FeatureJobSettings settings = FeatureJobSettings.defaults(dir.resolve("checkpoints")).withParallelism(1)
                .withCheckpointInterval(Duration.ofMillis(500));
        FeatureJob featureJob = FeatureJob.onKafka(connection, KafkaEndpoints.events(connection, Topics.EVENTS),
                KafkaEndpoints.catalogue(connection, Topics.CATALOGUE), storeUrl, REGISTRY, settings.sinkBatching());
        int port = freePort();
        jobMetricsUrl = "http://127.0.0.1:" + port + "/metrics";
        job = FeatureJobRunner.startLocal(featureJob, settings, port, "metrics-test");
    }

    private void startTheApi(Path dir, String storeUrl) throws Exception {
        BundleRegistry bundles = new BundleRegistry(dir.resolve("bundles"));
        SyntheticBundles.write(bundles.root(), "v1", 1, REGISTRY.version());
        SyntheticBundles.write(bundles.root(), "v2", 2, REGISTRY.version());
        bundles.promote("v1");
        ApiConfig config = ApiConfig.builder(bundles.root(), storeUrl, kafka.connection())
                .host("127.0.0.1").port(0).adminToken(ADMIN_TOKEN).maxInFlight(16).workers(2)
                .maxQueueMillis(5_000).featureCacheMillis(1000).candidates(100).rerankHead(20).diversity(0.1)
                .build();
        api = RankerApi.start(config, REGISTRY);
        // the demo hosts the learning loop's journal on the API's /metrics; `trainer` serves the same on its own port
        new LoopJournal(bundles.root(), api.metricsRegistry());
    }

    private String apiBase() {
        return "http://127.0.0.1:" + api.port();
    }

    private static PrometheusText tryScrape(String url) {
        try {
            return PrometheusText.scrape(url);
        } catch (Exception notYetListening) {
            return null;
        }
    }

    private static int send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode();
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
