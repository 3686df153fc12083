package io.recsys.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.recsys.api.ApiConfig;
import io.recsys.api.RankerApi;
import io.recsys.jobs.features.FeatureJob;
import io.recsys.jobs.features.FeatureJobRunner;
import io.recsys.jobs.features.FeatureJobSettings;
import io.recsys.jobs.features.KafkaEndpoints;
import io.recsys.kafka.EventPublisher;
import io.recsys.kafka.KafkaConnection;
import io.recsys.kafka.Topics;
import io.recsys.kafka.embedded.EmbeddedKafka;
import io.recsys.schema.event.ItemAttributes;
import io.recsys.schema.feature.FeatureRegistry;
import io.recsys.simulator.Simulator;
import io.recsys.simulator.SimulatorConfig;
import io.recsys.store.FeatureStore;
import io.recsys.store.FeatureStores;
import org.apache.flink.core.execution.JobClient;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole loop on the embedded stack: Kafka, the feature job on a MiniCluster, the embedded store, a bundle
 * trained on simulated history, and the API. Clicks posted to the API that answer lists it served reach the
 * features within seconds and move the clicked item up for the next user; clicks that answer nothing do not.
 */
class EndToEndTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    /** Once with the API asking the store what was written, once reading the feature job's change topic. */
    @ParameterizedTest(name = "change feed from Kafka: {0}")
    @ValueSource(booleans = {false, true})
    void aThousandUnmatchedClicksMoveNothingAndSixtyAnsweringServedListsMoveTheBottomItemUp(boolean kafkaChangeFeed,
                                                                                  @TempDir Path dir)
            throws Exception {
        FeatureRegistry registry = FeatureRegistry.load();
        Simulator simulator = new Simulator(SimulatorConfig.small(7).withUsersAndItems(300, 600));
        String storeUrl = FeatureStores.urlOrEmbedded(null, dir);
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"))) {
            KafkaConnection connection = kafka.connection();
            Topics.ensure(connection, 2);
            try (EventPublisher catalogue = new EventPublisher(connection, Topics.CATALOGUE, 1)) {
                for (ItemAttributes item : simulator.catalogue()) {
                    catalogue.publishRaw(item.itemId(), item.toJson());
                }
            }
            FeatureJobSettings settings = FeatureJobSettings.defaults(dir.resolve("checkpoints"));
            FeatureJob job = FeatureJob.onKafka(connection, KafkaEndpoints.events(connection, Topics.EVENTS),
                    KafkaEndpoints.catalogue(connection, Topics.CATALOGUE), storeUrl, registry, settings.sinkBatching());
            int metricsPort;
            try (ServerSocket socket = new ServerSocket(0)) {
                metricsPort = socket.getLocalPort();
            }
            JobClient client = FeatureJobRunner.startLocal(job, settings, metricsPort, "e2e-features");
            try (EventPublisher publisher = new EventPublisher(connection, Topics.EVENTS, 2);
                 FeatureStore store = FeatureStores.open(storeUrl, registry)) {
                Path bundles = dir.resolve("bundles");
                FirstBundle.ensure(bundles, simulator, publisher, store, registry);
                ApiConfig config = ApiConfig.builder(bundles, storeUrl, connection)
                        .host("127.0.0.1").port(0).maxInFlight(64).workers(2).maxQueueMillis(5_000)
                        .featureCacheMillis(500).candidates(200).rerankHead(50).diversity(0.0)
                        .kafkaChangeFeed(kafkaChangeFeed).build();
                try (RankerApi api = RankerApi.start(config, registry)) {
                    String base = "http://127.0.0.1:" + api.port();
                    JsonNode first = get(base + "/v1/recommendations?user_id=new-user-a&k=10");
                    JsonNode items = first.get("items");
                    String bottom = items.get(items.size() - 1).get("item_id").asText();
                    long clicksBefore = itemClicks(base, bottom);

                    // 1,000 clicks from made-up users that answer no list they were shown: stored, counted as
                    // unmatched, and they move nothing anyone else sees
                    String now = Instant.now().toString();
                    for (int batch = 0; batch < 10; batch++) {
                        StringJoiner strangers = new StringJoiner(",", "[", "]");
                        for (int c = batch * 100; c < (batch + 1) * 100; c++) {
                            strangers.add(click("stranger-" + c, null, "stranger-" + c, bottom, now));
                        }
                        post(base, strangers.toString());
                    }
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                    while (unmatchedFeedback(metricsPort) < 1_000) {
                        assertThat(System.nanoTime()).as("the job counted 1,000 unmatched clicks").isLessThan(deadline);
                        Thread.sleep(200);
                    }
                    while (get(base + "/v1/features/user:stranger-999").get("features").get("clicks_1h").asLong()
                            < 1) {
                        assertThat(System.nanoTime()).as("unmatched feedback still counts for its own user")
                                .isLessThan(deadline);
                        Thread.sleep(200);
                    }
                    Thread.sleep(config.featureCacheMillis() + 2_100); // the feature cache and the trending list
                    assertThat(itemClicks(base, bottom)).as("clicks_1h of %s after unmatched clicks", bottom)
                            .isEqualTo(clicksBefore);
                    JsonNode unmoved = get(base + "/v1/recommendations?user_id=new-user-c&k=10");
                    assertThat(positionOf(unmoved, bottom)).as("position of %s after unmatched clicks in %s", bottom,
                            unmoved).isIn(-1, items.size());

                    // 60 clicks that answer lists really served to their users: these count
                    StringJoiner clicks = new StringJoiner(",", "[", "]");
                    int answered = 0;
                    for (int user = 0; answered < 60; user++) {
                        assertThat(user).as("users shown %s", bottom).isLessThan(600);
                        JsonNode served = get(base + "/v1/recommendations?user_id=clicker-" + user + "&k=20");
                        if (positionOf(served, bottom) > 0) {
                            clicks.add(click("e2e-click-" + user, served.get("request_id").asText(),
                                    "clicker-" + user, bottom, Instant.now().toString()));
                            answered++;
                        }
                    }
                    long posted = System.nanoTime();
                    post(base, clicks.toString());

                    long clicksAfter = clicksBefore;
                    while (System.nanoTime() - posted < TimeUnit.SECONDS.toNanos(5) && clicksAfter < clicksBefore + 60) {
                        Thread.sleep(100);
                        clicksAfter = itemClicks(base, bottom);
                    }
                    assertThat(clicksAfter).as("clicks_1h of %s within 5 s", bottom).isEqualTo(clicksBefore + 60);

                    Thread.sleep(config.featureCacheMillis() + 2_100); // the feature cache and the trending list
                    JsonNode second = get(base + "/v1/recommendations?user_id=new-user-b&k=10");
                    int position = positionOf(second, bottom);
                    assertThat(position).as("position of %s for the next new user in %s", bottom, second)
                            .isPositive().isLessThan(items.size());
                }
            } finally {
                client.cancel().get(30, TimeUnit.SECONDS);
            }
        }
    }

    private static String click(String eventId, String requestId, String user, String item, String time) {
        return "{\"v\":1,\"event_id\":\"" + eventId + "\",\"type\":\"click\","
                + (requestId == null ? "" : "\"request_id\":\"" + requestId + "\",")
                + "\"user_id\":\"" + user + "\",\"item_id\":\"" + item + "\",\"event_time\":\"" + time + "\"}";
    }

    private void post(String base, String events) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/events"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(events)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    }

    private long itemClicks(String base, String item) throws Exception {
        return get(base + "/v1/features/item:" + item).get("features").get("clicks_1h").asLong();
    }

    /** The feature job's {@code feedback_unmatched}, summed over its subtasks, from its Prometheus reporter. */
    private long unmatchedFeedback(int metricsPort) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + metricsPort + "/metrics")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            return (long) response.body().lines()
                    .filter(line -> line.startsWith("flink_taskmanager_job_task_operator_feedback_unmatched{"))
                    .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
        } catch (Exception notYetListening) {
            return 0;
        }
    }

    private JsonNode get(String url) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(url + " -> " + response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static int positionOf(JsonNode recommendation, String item) {
        for (JsonNode entry : recommendation.get("items")) {
            if (entry.get("item_id").asText().equals(item)) {
                return entry.get("position").asInt();
            }
        }
        return -1;
    }
}
