package io.recsys.cluster;

import io.recsys.jobs.features.FeatureJob;
import io.recsys.jobs.features.FeatureJobRunner;
import io.recsys.jobs.features.FeatureJobSettings;
import io.recsys.jobs.features.FeatureStoreSink;
import io.recsys.jobs.features.FeedbackAttribution;
import io.recsys.jobs.features.KafkaEndpoints;
import io.recsys.jobs.testing.KafkaTestTopics;
import io.recsys.jobs.testing.WindowedCountAssertions;
import io.recsys.kafka.EventPublisher;
import io.recsys.kafka.embedded.EmbeddedKafka;
import io.recsys.schema.event.Event;
import io.recsys.schema.event.ItemAttributes;
import io.recsys.schema.feature.EntityType;
import io.recsys.schema.feature.FeatureRegistry;
import io.recsys.simulator.Simulator;
import io.recsys.simulator.SimulatorConfig;
import io.recsys.store.testing.TestDatabases;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The upgrade path of the production job (unbounded sources): mid-stream on a standalone cluster, it is stopped with
 * a savepoint and started again from it at a different parallelism (2 → 3, so keyed state and Kafka splits are
 * redistributed); once every event is in, it is stopped with {@code --drain}, which ends event time and so settles
 * every row. Every windowed count in the store is then exact.
 *
 * <p>Bounded sources cannot be used here: a bounded KafkaSource restored from a savepoint never finishes
 * (FLINK-31006, open in flink-connector-kafka 4.0.1).
 */
class SavepointRescaleTest {


    private static final FeatureRegistry REGISTRY = FeatureRegistry.load();
    private static final int PARTITIONS = 2;

    @Test
    void stoppingWithASavepointAndRestoringAtAnotherParallelismKeepsEveryCountExact(@TempDir Path dir)
            throws Exception {
        String store = TestDatabases.freshPostgresSchema();
        StandaloneCluster cluster = TestCluster.at(dir.resolve("cluster"));
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"))) {
            TestCluster started = TestCluster.start(cluster);
            ClusterRest rest = started.rest;
            FeatureJobRunner onCluster = started.runner;
            String bootstrap = kafka.bootstrapServers();

            Simulator simulator = new Simulator(SimulatorConfig.small(13).withRequestGap(Duration.ofSeconds(20)));
            List<Event> events = simulator.history(2_500);
            // what the store's global counters reach: impressions and the feedback that counts
            long counted = FeedbackAttribution.countedFor(EntityType.GLOBAL, events, REGISTRY).size();
            String eventsTopic = KafkaTestTopics.create(bootstrap, "events", PARTITIONS);
            String catalogueTopic = KafkaTestTopics.create(bootstrap, "items", 1);
            String deadLetterTopic = KafkaTestTopics.create(bootstrap, "dlq", 1);
            KafkaTestTopics.publish(bootstrap, catalogueTopic, 1,
                    simulator.catalogue().stream().map(ItemAttributes::toJson).toList());
            java.util.function.Supplier<FeatureJob> job = () -> new FeatureJob(
                    KafkaEndpoints.events(kafka.connection(), eventsTopic), KafkaEndpoints.catalogue(kafka.connection(), catalogueTopic),
                    new FeatureStoreSink(store, REGISTRY, 500, 50),
                    KafkaEndpoints.sink(kafka.connection(), deadLetterTopic), REGISTRY);
            FeatureJobSettings settings = FeatureJobSettings.defaults(dir.resolve("checkpoints"))
                    .withCheckpointInterval(Duration.ofSeconds(1));

            JobClient before = onCluster.start(job.get(), settings, "features-before-upgrade");
            // The last third waits for the savepoint: on a slow machine taking it can outlast the whole stream, and
            // a savepoint after the last event proves nothing about restoring mid-stream.
            int heldBack = events.size() * 2 / 3;
            CompletableFuture<String> savepointTaken = new CompletableFuture<>();
            CompletableFuture<Void> publishing = CompletableFuture.runAsync(() -> {
                try (EventPublisher publisher = new EventPublisher(kafka.connection(), eventsTopic, PARTITIONS)) {
                    publisher.publish(events.subList(0, heldBack), 1_500, sent -> { });
                    savepointTaken.join();
                    publisher.publish(events.subList(heldBack, events.size()), 1_500, sent -> { });
                }
            }, TestCluster.OWN_THREAD);
            String jobId = before.getJobID().toHexString();
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (processed(store) < 1_000 || !allRunning(rest, jobId)) {
                assertThat(System.nanoTime()).as("the job made progress in time").isLessThan(deadline);
                assertThat(publishing.isDone()).as("still publishing (checkpoints %d, processed %d, job %s)",
                        rest.completedCheckpoints(jobId), processed(store), rest.job(jobId).path("state"))
                        .isFalse();
                Thread.sleep(200);
            }
            String savepoint;
            try {
                savepoint = before.stopWithSavepoint(false, dir.resolve("savepoints").toUri().toString(),
                        SavepointFormatType.CANONICAL).get(2, TimeUnit.MINUTES);
            } catch (java.util.concurrent.ExecutionException e) {
                throw new AssertionError("stop-with-savepoint failed; failures: " + rest.failures(jobId) + ", subtasks: "
                        + rest.subtaskStates(jobId), e);
            }
            long processedAtSavepoint = processed(store);
            savepointTaken.complete(savepoint);

            JobClient after = onCluster.start(job.get(), settings.withParallelism(3).withRestoreFrom(savepoint),
                    "features-after-upgrade");
            String afterId = after.getJobID().toHexString();
            publishing.get(2, TimeUnit.MINUTES);
            deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            while (processed(store) < counted || !allRunning(rest, afterId)) {
                assertThat(System.nanoTime()).as("the restored job caught up in time: %s",
                        rest.subtaskStates(afterId)).isLessThan(deadline);
                Thread.sleep(200);
            }
            after.stopWithSavepoint(true, dir.resolve("savepoints").toUri().toString(),
                    SavepointFormatType.CANONICAL).get(2, TimeUnit.MINUTES);

            assertThat(processedAtSavepoint).as("the savepoint was taken mid-stream").isBetween(1L, counted - 1);
            assertThat(rest.restoredCheckpoint(afterId)).as("restored the savepoint")
                    .isPresent();
            assertThat(processed(store)).isEqualTo(counted);
            WindowedCountAssertions.assertEveryWindowedCountMatches(store, events, REGISTRY);
        } finally {
            cluster.stop(Duration.ofSeconds(10));
            TestDatabases.dropPostgresSchema(store);
        }
    }

    /** A savepoint needs every task running. */
    private static boolean allRunning(ClusterRest rest, String jobId) throws Exception {
        return rest.subtaskStates(jobId).stream().allMatch(state -> state.endsWith(": RUNNING"));
    }

    private static long processed(String storeUrl) {
        return TestCluster.processed(storeUrl, REGISTRY);
    }
}
