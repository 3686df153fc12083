package io.recsys.jobs.features;

import io.recsys.jobs.testing.KafkaTestTopics;
import io.recsys.jobs.testing.WindowedCountAssertions;
import io.recsys.kafka.EventPublisher;
import io.recsys.kafka.embedded.EmbeddedKafka;
import io.recsys.schema.event.Decoded;
import io.recsys.schema.event.Event;
import io.recsys.schema.event.EventCodec;
import io.recsys.schema.event.EventTimePolicy;
import io.recsys.schema.event.ItemAttributes;
import io.recsys.schema.feature.FeatureRegistry;
import io.recsys.simulator.Simulator;
import io.recsys.simulator.SimulatorConfig;
import io.recsys.store.testing.TestDatabases;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole feature job on a MiniCluster at parallelism 2, reading a real (embedded) Kafka broker and writing the
 * embedded store or PostgreSQL; every windowed count is checked against a brute-force count of the same log.
 */
class FeatureJobIntegrationTest {

    private static final int PARTITIONS = 2;
    private static final FeatureRegistry REGISTRY = FeatureRegistry.load();

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2)
                    .build());

    private static EmbeddedKafka kafka;
    private static Path kafkaDir;

    @BeforeAll
    static void startKafka() throws IOException {
        kafkaDir = Files.createTempDirectory("kafka");
        kafka = EmbeddedKafka.start(kafkaDir);
    }

    @AfterAll
    static void stopKafka() {
        kafka.close();
    }

    @Test
    void everyWindowedCountInTheEmbeddedStoreEqualsBruteForce(@TempDir Path checkpoints) throws Exception {
        checkExactCounts(TestDatabases.freshH2(), checkpoints, null);
    }

    @Test
    void everyWindowedCountInPostgresEqualsBruteForce(@TempDir Path checkpoints) throws Exception {
        String url = TestDatabases.freshPostgresSchema();
        try {
            checkExactCounts(url, checkpoints, null);
        } finally {
            TestDatabases.dropPostgresSchema(url);
        }
    }

    @Test
    void countsStayExactWhenTheJobFailsMidStreamAndRestoresFromACheckpoint(@TempDir Path checkpoints)
            throws Exception {
        FailOnceSink.reset();
        checkExactCounts(TestDatabases.freshH2(), checkpoints, FailOnceSink::new);
        assertThat(FailOnceSink.FAILED.get()).as("the injected failure happened").isTrue();
        assertThat(FailOnceSink.FLUSHES_BEFORE_FAILURE.get()).as("checkpoints were taken before it").isGreaterThan(2);
    }

    private void checkExactCounts(String storeUrl, Path checkpoints,
                                  java.util.function.UnaryOperator<Sink<StoreRecord>> wrapSink) throws Exception {
        Simulator simulator = new Simulator(SimulatorConfig.small(11).withRequestGap(Duration.ofSeconds(20)));
        List<Event> events = new ArrayList<>(simulator.history(wrapSink == null ? 800 : 3_000));
        jitterWithinOneSecond(events, new Random(5));
        List<String> records = new ArrayList<>();
        events.forEach(e -> records.add(EventCodec.encode(e)));
        records.add(records.size() / 3, "{not json");
        records.add(records.size() / 2, "{\"v\":1,\"type\":\"click\"}");
        records.add(2 * records.size() / 3, EventCodec.encode(events.get(0)).replace("\"v\":1", "\"v\":9"));
        // a client's retry: the same event again, right behind the original, is counted once
        String retried = EventCodec.encode(events.get(events.size() / 4));
        records.add(records.indexOf(retried) + 1, retried);

        String eventsTopic = KafkaTestTopics.create(kafka.bootstrapServers(), "events", PARTITIONS);
        String catalogueTopic = KafkaTestTopics.create(kafka.bootstrapServers(), "items", 1);
        String deadLetterTopic = KafkaTestTopics.create(kafka.bootstrapServers(), "dlq", 1);
        KafkaTestTopics.publish(kafka.bootstrapServers(), catalogueTopic, 1,
                simulator.catalogue().stream().map(ItemAttributes::toJson).toList());
        // keyed by user, as every producer of the system does: each user's events stay in order
        Map<TopicPartition, Long> ends = KafkaTestTopics.publish(kafka.bootstrapServers(), eventsTopic, PARTITIONS,
                records, i -> {
                    Decoded decoded = EventCodec.decode(records.get(i), EventTimePolicy.DEFAULT, Clock.systemUTC());
                    return decoded.isValid() ? EventPublisher.partitionOf(decoded.event(), PARTITIONS) : 0;
                });

        FeatureJobSettings settings = FeatureJobSettings.defaults(checkpoints)
                .withCheckpointInterval(Duration.ofMillis(300)).withRestartDelay(Duration.ofMillis(200));
        Sink<StoreRecord> storeSink = new FeatureStoreSink(storeUrl, REGISTRY, 500, 50);
        FeatureJob job = new FeatureJob(
                KafkaEndpoints.events(kafka.connection(), eventsTopic,
                        KafkaTestTopics.zeros(eventsTopic, PARTITIONS), ends),
                KafkaEndpoints.catalogueUpToNow(kafka.connection(), catalogueTopic),
                wrapSink == null ? storeSink : wrapSink.apply(storeSink),
                KafkaEndpoints.sink(kafka.connection(), deadLetterTopic),
                REGISTRY);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(settings.toConfiguration());
        env.setParallelism(PARTITIONS);
        job.build(env);
        env.execute("feature-job-test");

        List<String> deadLetters = KafkaTestTopics.readAll(kafka.bootstrapServers(), deadLetterTopic, 4,
                Duration.ofSeconds(20));
        // the dead-letter sink is at-least-once: a restart may repeat a record, never lose one
        assertThat(deadLetters.stream().map(d -> d.replaceAll("\"rejected_at\":\"[^\"]*\"", "")).distinct())
                .hasSize(4);
        assertThat(String.join("\n", deadLetters))
                .contains("\"reason\":\"malformed_json\"", "\"reason\":\"missing_field\"",
                        "\"reason\":\"unsupported_version\"", "\"reason\":\"duplicate\"");

        WindowedCountAssertions.assertEveryWindowedCountMatches(storeUrl, events, REGISTRY);
    }

    /** Moves some events up to a second earlier or later, well inside the watermark's bound. */
    private static void jitterWithinOneSecond(List<Event> events, Random random) {
        for (int i = 0; i + 1 < events.size(); i += 7) {
            if (events.get(i + 1).eventTime() - events.get(i).eventTime() < 1_000) {
                Collections.swap(events, i, i + 1);
            }
        }
    }

    /** Wraps the real sink and fails the task once, after some checkpoints have completed. */
    static final class FailOnceSink implements Sink<StoreRecord> {
        static final AtomicBoolean FAILED = new AtomicBoolean();
        static final AtomicInteger FLUSHES_BEFORE_FAILURE = new AtomicInteger();
        private static final AtomicInteger FLUSHES = new AtomicInteger();
        private static final AtomicInteger WRITES = new AtomicInteger();

        private final Sink<StoreRecord> delegate;

        FailOnceSink(Sink<StoreRecord> delegate) {
            this.delegate = delegate;
        }

        static void reset() {
            FAILED.set(false);
            FLUSHES.set(0);
            WRITES.set(0);
            FLUSHES_BEFORE_FAILURE.set(0);
        }

        @Override
        public SinkWriter<StoreRecord> createWriter(WriterInitContext context) throws IOException {
            SinkWriter<StoreRecord> writer = delegate.createWriter(context);
            return new SinkWriter<>() {
                @Override
                public void write(StoreRecord element, Context ctx) throws IOException, InterruptedException {
                    writer.write(element, ctx);
                    if (WRITES.incrementAndGet() > 5_000 && FLUSHES.get() > 2 && FAILED.compareAndSet(false, true)) {
                        FLUSHES_BEFORE_FAILURE.set(FLUSHES.get());
                        throw new IOException("injected failure mid-stream");
                    }
                }

                @Override
                public void flush(boolean endOfInput) throws IOException, InterruptedException {
                    FLUSHES.incrementAndGet();
                    writer.flush(endOfInput);
                }

                @Override
                public void close() throws Exception {
                    writer.close();
                }
            };
        }
    }
}
