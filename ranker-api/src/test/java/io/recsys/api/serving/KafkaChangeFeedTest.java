package io.recsys.api.serving;

import io.recsys.kafka.Topics;
import io.recsys.kafka.embedded.EmbeddedKafka;
import io.recsys.schema.feature.Counters;
import io.recsys.schema.feature.EntityKey;
import io.recsys.schema.feature.EntityType;
import io.recsys.schema.feature.FeatureChanges;
import io.recsys.schema.feature.FeatureDerivation;
import io.recsys.schema.feature.FeatureRegistry;
import io.recsys.schema.feature.FeatureRow;
import io.recsys.store.FeatureStore;
import io.recsys.store.FeatureStores;
import io.recsys.store.testing.TestDatabases;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class KafkaChangeFeedTest {

    private static final FeatureRegistry REGISTRY = FeatureRegistry.load();

    @TempDir
    static Path dir;
    private static EmbeddedKafka kafka;
    private static KafkaProducer<byte[], byte[]> producer;

    @BeforeAll
    static void startKafka() {
        kafka = EmbeddedKafka.start(dir.resolve("kafka"));
        Topics.ensure(kafka.connection(), 1);
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    @AfterAll
    static void stopKafka() {
        producer.close();
        kafka.close();
    }

    private static void publish(FeatureChanges changes) throws Exception {
        producer.send(new ProducerRecord<>(Topics.FEATURE_CHANGES, changes.encode())).get();
    }

    @Test
    void shouldReportEntitiesPublishedAfterItStartedAndForgetThemPastTheHorizon() throws Exception {
        publish(FeatureChanges.of(1_000, List.of(row("before-start", 900, 1))));
        ApiMetrics metrics = new ApiMetrics();
        try (KafkaChangeFeed feed = new KafkaChangeFeed(kafka.connection(), Topics.FEATURE_CHANGES,
                Duration.ofSeconds(10), metrics)) {
            assertThat(feed.awaitStarted(Duration.ofSeconds(30))).isTrue();
            publish(FeatureChanges.of(50_000, List.of(row("i1", 49_000, 1), userRow("u1", 49_000))));
            producer.send(new ProducerRecord<>(Topics.FEATURE_CHANGES, new byte[]{42})).get();
            publish(FeatureChanges.of(55_000, List.of(row("i1", 54_000, 2))));

            eventually(() -> assertThat(feed.writtenSince(0))
                    .containsOnly(Map.entry(EntityKey.item("i1"), 55_000L), Map.entry(EntityKey.user("u1"), 50_000L)));
            assertThat(feed.writtenSince(52_000)).containsOnlyKeys(EntityKey.item("i1"));
            assertThat(metrics.errors.labels("feature_change_message").get()).as("the foreign message, counted")
                    .isEqualTo(1.0);

            publish(FeatureChanges.of(70_000, List.of(row("i2", 69_000, 1))));
            eventually(() -> assertThat(feed.writtenSince(0))
                    .as("writes more than the horizon older than the newest are forgotten")
                    .containsOnlyKeys(EntityKey.item("i2")));
        }
    }

    @Test
    void shouldMakeLiveFeaturesReReadAHeldEntityOnlyWhenTheFeedSaysItWasWritten() throws Exception {
        try (FeatureStore store = FeatureStores.open(TestDatabases.freshH2(), REGISTRY);
             KafkaChangeFeed feed = new KafkaChangeFeed(kafka.connection(), Topics.FEATURE_CHANGES,
                     Duration.ofSeconds(10), new ApiMetrics())) {
            assertThat(feed.awaitStarted(Duration.ofSeconds(30))).isTrue();
            long now = System.currentTimeMillis();
            EntityKey item = EntityKey.item("held");
            store.writer().write(List.of(row("held", now - 2_000, 1)), List.of(), List.of());
            ApiMetrics metrics = new ApiMetrics();
            LiveFeatures features = liveFeatures(store, feed, metrics);
            try {
                assertThat(clicks24h(features, item)).isEqualTo(1);

                store.writer().write(List.of(row("held", now - 1_000, 2)), List.of(), List.of());
                Thread.sleep(1_000); // ten looks: without a change message the held value stays
                assertThat(clicks24h(features, item)).isEqualTo(1);

                publish(FeatureChanges.of(System.currentTimeMillis(), List.of(row("held", now - 1_000, 2))));
                eventually(() -> assertThat(clicks24h(features, item)).isEqualTo(2));
            } finally {
                features.close();
            }
        }
    }

    @Test
    void shouldDeriveAHeldItemFromTheHeadInAMessageWithTheWindowStartItHoldsWithoutReadingTheStore() throws Exception {
        try (FeatureStore store = FeatureStores.open(TestDatabases.freshH2(), REGISTRY);
             KafkaChangeFeed feed = new KafkaChangeFeed(kafka.connection(), Topics.FEATURE_CHANGES,
                     Duration.ofSeconds(10), new ApiMetrics())) {
            assertThat(feed.awaitStarted(Duration.ofSeconds(30))).isTrue();
            long now = System.currentTimeMillis();
            EntityKey item = EntityKey.item("from-head");
            // one click before the 24 h window, one inside it
            long firstSeen = now - Duration.ofHours(26).toMillis();
            store.writer().write(List.of(row("from-head", now - Duration.ofHours(25).toMillis(), 1, firstSeen),
                    row("from-head", now - 2_000, 2, firstSeen)), List.of(), List.of());
            ApiMetrics metrics = new ApiMetrics();
            LiveFeatures features = liveFeatures(store, feed, metrics);
            feed.onHeads(features::applyHeads);
            try {
                assertThat(clicks24h(features, item)).isEqualTo(1);

                // a head the store never had: what is served can only have come from the message
                publish(FeatureChanges.of(System.currentTimeMillis(), List.of(row("from-head", now - 500, 6, firstSeen))));
                eventually(() -> assertThat(clicks24h(features, item))
                        .as("the head's clicks less the window start held from the read").isEqualTo(5));
                assertThat(metrics.featureHeadsApplied.get()).isEqualTo(1.0);

                publish(FeatureChanges.of(System.currentTimeMillis(), List.of(row("from-head", now - 1_500, 4, firstSeen))));
                Thread.sleep(500); // five looks
                assertThat(clicks24h(features, item)).as("an older head changes nothing").isEqualTo(5);
            } finally {
                features.close();
            }
        }
    }

    @Test
    void shouldReReadAHeldUserOnItsHeadBecauseRecentItemsAreNotInIt() throws Exception {
        try (FeatureStore store = FeatureStores.open(TestDatabases.freshH2(), REGISTRY);
             KafkaChangeFeed feed = new KafkaChangeFeed(kafka.connection(), Topics.FEATURE_CHANGES,
                     Duration.ofSeconds(10), new ApiMetrics())) {
            assertThat(feed.awaitStarted(Duration.ofSeconds(30))).isTrue();
            long now = System.currentTimeMillis();
            EntityKey user = EntityKey.user("reader");
            store.writer().write(List.of(userRow("reader", now - 2_000)), List.of(), List.of());
            ApiMetrics metrics = new ApiMetrics();
            LiveFeatures features = liveFeatures(store, feed, metrics);
            feed.onHeads(features::applyHeads);
            try {
                assertThat(features.read(List.of(user)).vector(0).number("clicks_all")).isEqualTo(1);

                FeatureRow newer = new FeatureRow(EntityType.USER, "reader", now - 1_000,
                        new Counters(0, 3, 0, 0, 0, 0, 3, now - 60_000));
                store.writer().write(List.of(newer), List.of(), List.of());
                publish(FeatureChanges.of(System.currentTimeMillis(), List.of(newer)));
                eventually(() -> assertThat(features.read(List.of(user)).vector(0).number("clicks_all"))
                        .isEqualTo(3));
                assertThat(metrics.featureHeadsApplied.get()).as("users are read, not derived from a head")
                        .isZero();
            } finally {
                features.close();
            }
        }
    }

    /** Looks every 100 ms; re-reads nothing for its age within a test (max age one hour). */
    private static LiveFeatures liveFeatures(FeatureStore store, ChangeFeed feed, ApiMetrics metrics) {
        return new LiveFeatures(store.online(), feed, new StoreBreaker(3, Duration.ofSeconds(5), Clock.systemUTC(),
                metrics), new FeatureDerivation(REGISTRY), Duration.ofMillis(100), Duration.ofHours(1), metrics,
                () -> { });
    }

    /** Retries {@code assertion} for up to 20 s, then fails with its last error. */
    private static void eventually(Runnable assertion) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 20_000;
        while (true) {
            try {
                assertion.run();
                return;
            } catch (AssertionError e) {
                if (System.currentTimeMillis() > deadline) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }

    private static FeatureRow row(String item, long ts, long clicks) {
        return new FeatureRow(EntityType.ITEM, item, ts, new Counters(10, clicks, 0, 0, 0, 10, clicks, ts - 60_000));
    }

    private static FeatureRow row(String item, long ts, long clicks, long firstSeen) {
        return new FeatureRow(EntityType.ITEM, item, ts, new Counters(10, clicks, 0, 0, 0, 10, clicks, firstSeen));
    }

    private static FeatureRow userRow(String user, long ts) {
        return new FeatureRow(EntityType.USER, user, ts, new Counters(0, 1, 0, 0, 0, 0, 1, ts - 60_000));
    }

    private static double clicks24h(LiveFeatures features, EntityKey item) {
        return features.read(List.of(item)).vector(0).number("clicks_24h");
    }
}
