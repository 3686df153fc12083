package io.recsys.replay;

import io.recsys.datasets.Dataset;
import io.recsys.jobs.features.FeatureJob;
import io.recsys.jobs.features.FeatureJobRunner;
import io.recsys.jobs.features.FeatureJobSettings;
import io.recsys.jobs.features.FeedbackAttribution;
import io.recsys.jobs.features.KafkaEndpoints;
import io.recsys.kafka.EventPublisher;
import io.recsys.kafka.KafkaConnection;
import io.recsys.kafka.Topics;
import io.recsys.progress.Progress;
import io.recsys.schema.event.Event;
import io.recsys.schema.event.EventType;
import io.recsys.schema.event.ItemAttributes;
import io.recsys.schema.feature.Counters;
import io.recsys.schema.feature.EntityKey;
import io.recsys.schema.feature.EntityType;
import io.recsys.schema.feature.FeatureRegistry;
import io.recsys.schema.feature.FeatureRow;
import io.recsys.store.FeatureStore;
import io.recsys.store.FeatureStores;
import io.recsys.store.OnlineStore;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Replays a dataset through the real pipeline: publishes its catalogue and events to Kafka in event-time order,
 * runs the feature job over exactly those events (bounded by the offsets they will occupy), and returns once the
 * job has finished and the store's global totals equal what the dataset's events count for: every impression,
 * and the feedback that answers a list shown to its user ({@link FeedbackAttribution}).
 *
 * <p>The job starts with empty state at the first replayed event, so replay into a fresh store, or into one that
 * holds the same dataset (the rows are rewritten with the same values). Nothing else may publish to the events
 * topic while a replay runs.
 */
public final class Replay {

    /** The stage of {@link Progress} that counts the events sent to Kafka. */
    public static final String PUBLISH = "publish";
    /** The stage that counts the events the store holds: what the job has processed. */
    public static final String IN_STORE = "in store";

    /** What was replayed: every event, every impression, and the clicks and views that counted. */
    public record Result(long events, long impressions, long clicks, long views, long wallMillis) {
    }

    private Replay() {
    }

    public static Result run(Dataset dataset, KafkaConnection kafka, String storeUrl, FeatureRegistry registry,
                             FeatureJobSettings settings, double eventsPerSecond, Progress progress)
            throws Exception {
        return run(dataset, kafka, storeUrl, registry, settings, FeatureJobRunner.local(0), eventsPerSecond,
                progress);
    }

    /** The same, with the job started by {@code runner}: on a local MiniCluster or submitted to a Flink cluster. */
    public static Result run(Dataset dataset, KafkaConnection kafka, String storeUrl, FeatureRegistry registry,
                             FeatureJobSettings settings, FeatureJobRunner runner, double eventsPerSecond,
                             Progress progress) throws Exception {
        long started = System.currentTimeMillis();
        int partitions = settings.parallelism();
        Topics.ensure(kafka, partitions);
        int actualPartitions = partitionCount(kafka);
        try (EventPublisher catalogue = new EventPublisher(kafka, Topics.CATALOGUE, 1)) {
            for (ItemAttributes item : dataset.catalogue()) {
                catalogue.publishRaw(item.itemId(), item.toJson());
            }
        }
        Map<TopicPartition, Long> start = endOffsets(kafka, actualPartitions);
        Map<TopicPartition, Long> stop = new HashMap<>(start);
        for (Event event : dataset.events()) {
            stop.merge(new TopicPartition(Topics.EVENTS, EventPublisher.partitionOf(event, actualPartitions)), 1L,
                    Long::sum);
        }
        FeatureJob job = FeatureJob.onKafka(kafka,
                KafkaEndpoints.events(kafka, Topics.EVENTS, start, stop),
                KafkaEndpoints.catalogueUpToNow(kafka, Topics.CATALOGUE), storeUrl, registry,
                settings.sinkBatching());
        JobClient client = runner.start(job, settings, "replay-" + dataset.name());

        // feedback that answers no list shown to its user, or repeats a counted one, is not counted globally
        List<Event> counted = FeedbackAttribution.countedFor(EntityType.GLOBAL, dataset.events(), registry);
        long impressions = counted.stream().filter(e -> e.type() == EventType.IMPRESSION).count();
        long clicks = counted.stream().filter(e -> e.type() == EventType.CLICK).count();
        long views = counted.stream().filter(e -> e.type() == EventType.VIEW).count();
        long total = dataset.events().size();
        try (EventPublisher publisher = new EventPublisher(kafka, Topics.EVENTS, actualPartitions);
             FeatureStore store = FeatureStores.open(storeUrl, registry)) {
            progress.stage(PUBLISH, total);
            publisher.publish(dataset.events(), eventsPerSecond, progress::done);
            progress.stage(IN_STORE, total);
            var jobResult = client.getJobExecutionResult();
            while (!jobResult.isDone()) {
                progress.done(processedSoFar(store.online()));
                Thread.sleep(500);
            }
            jobResult.get();
            long processed = processedSoFar(store.online());
            progress.done(processed);
            Counters counters = store.online().latestRow(EntityKey.GLOBAL).map(FeatureRow::counters)
                    .orElse(Counters.ZERO);
            if (counters.impressions() != impressions || counters.clicks() != clicks || counters.views() != views) {
                throw new IllegalStateException(String.format("the store's global totals (impressions %d, clicks %d,"
                                + " views %d) differ from what the dataset's events count for (%d, %d, %d); see the"
                                + " dead-letter topic %s",
                        counters.impressions(), counters.clicks(), counters.views(), impressions, clicks, views,
                        Topics.DEAD_LETTER));
            }
            return new Result(total, impressions, clicks, views, System.currentTimeMillis() - started);
        }
    }

    private static long processedSoFar(OnlineStore store) {
        Optional<FeatureRow> global = store.latestRow(EntityKey.GLOBAL);
        return global.map(row -> {
            Counters c = row.counters();
            return c.impressions() + c.clicks() + c.views() + c.addToCarts() + c.purchases();
        }).orElse(0L);
    }

    private static int partitionCount(KafkaConnection kafka) throws Exception {
        try (Admin admin = admin(kafka)) {
            return admin.describeTopics(java.util.List.of(Topics.EVENTS)).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get(Topics.EVENTS).partitions().size();
        }
    }

    private static Map<TopicPartition, Long> endOffsets(KafkaConnection kafka, int partitions) throws Exception {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            request.put(new TopicPartition(Topics.EVENTS, p), OffsetSpec.latest());
        }
        Map<TopicPartition, Long> offsets = new HashMap<>();
        try (Admin admin = admin(kafka)) {
            admin.listOffsets(request).all().get(30, TimeUnit.SECONDS)
                    .forEach((partition, info) -> offsets.put(partition, info.offset()));
        }
        return offsets;
    }

    private static Admin admin(KafkaConnection kafka) {
        return Admin.create(kafka.clientConfig(Map.of()));
    }
}
