package io.recsys.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import io.recsys.schema.event.ItemAttributes;
import io.recsys.schema.feature.FeatureRegistry;
import io.recsys.simulator.Simulator;
import io.recsys.simulator.SimulatorConfig;
import io.recsys.store.FeatureStores;
import io.recsys.store.JdbcFeatureStore;
import org.apache.flink.core.execution.JobClient;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Set;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole loop on the embedded stack: Kafka, the feature job on a MiniCluster, the embedded store, a bundle
 * trained on simulated history, and the API. Clicks posted to the API reach the features within seconds and move
 * the clicked item up for the next user.
 */
class EndToEndTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    /** Once with the API asking the store what was written, once reading the feature job's change topic. */
    @ParameterizedTest(name = "change feed from Kafka: {0}")
    @ValueSource(booleans = {false, true})
    void sixtyClicksOnTheBottomItemShowInItsFeaturesWithinFiveSecondsAndMoveItUp(boolean kafkaChangeFeed,
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
            JobClient client = FeatureJobRunner.startLocal(job, settings, 0, "e2e-features");
            try (EventPublisher publisher = new EventPublisher(connection, Topics.EVENTS, 2);
                 JdbcFeatureStore store = JdbcFeatureStore.open(storeUrl, registry)) {
                Path bundles = dir.resolve("bundles");
                FirstBundle.ensure(bundles, simulator, publisher, store, registry);
                ApiConfig config = new ApiConfig("127.0.0.1", 0, ApiConfig.DEFAULT_BODY_LIMIT, null, null, bundles,
                        storeUrl, connection, 64, 2, 5_000, 500, 200, 50, 0.0, Set.of())
                        .withKafkaChangeFeed(kafkaChangeFeed);
                try (RankerApi api = RankerApi.start(config, registry)) {
                    String base = "http://127.0.0.1:" + api.port();
                    JsonNode first = get(base + "/v1/recommendations?user_id=new-user-a&k=10");
                    JsonNode items = first.get("items");
                    String bottom = items.get(items.size() - 1).get("item_id").asText();
                    long clicksBefore = get(base + "/v1/features/item:" + bottom).get("features")
                            .get("clicks_1h").asLong();

                    StringJoiner clicks = new StringJoiner(",", "[", "]");
                    String now = Instant.now().toString();
                    for (int c = 0; c < 60; c++) {
                        clicks.add("{\"v\":1,\"event_id\":\"e2e-click-" + c + "\",\"type\":\"click\",\"user_id\":"
                                + "\"clicker-" + c + "\",\"item_id\":\"" + bottom + "\",\"event_time\":\"" + now
                                + "\"}");
                    }
                    long posted = System.nanoTime();
                    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/events"))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(clicks.toString())).build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);

                    long clicksAfter = clicksBefore;
                    while (System.nanoTime() - posted < TimeUnit.SECONDS.toNanos(5) && clicksAfter < clicksBefore + 60) {
                        Thread.sleep(100);
                        clicksAfter = get(base + "/v1/features/item:" + bottom).get("features").get("clicks_1h")
                                .asLong();
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
