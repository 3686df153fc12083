package io.recsys.api.serving;

import io.recsys.kafka.KafkaConnection;
import io.recsys.schema.feature.EntityKey;
import io.recsys.schema.feature.FeatureChanges;
import io.recsys.schema.feature.FeatureRow;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The feature job's change topic, read from its end by this replica alone (no consumer group: every replica sees
 * every change), kept for {@code horizon} so {@link LiveFeatures}' looks, which reach a few seconds back, find
 * them. The messages carry the written heads, which go to {@link #onHeads}' listener as they arrive, so that the
 * replica updates what it holds without asking the store; asking the store was a scan of its latest rows per look
 * and replica, and then a re-read of every held entity written (docs/benchmarks.md).
 */
public final class KafkaChangeFeed implements ChangeFeed, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaChangeFeed.class);
    private static final long PRUNE_EVERY_MILLIS = 1_000;

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Map<EntityKey, Long> written = new ConcurrentHashMap<>();
    private final long horizonMillis;
    private final ApiMetrics metrics;
    private final Thread reader;
    private final CountDownLatch atEnd = new CountDownLatch(1);
    private volatile long newest = Long.MIN_VALUE;
    private volatile boolean running = true;
    private volatile Consumer<List<FeatureRow>> headsListener = heads -> { };

    public KafkaChangeFeed(KafkaConnection kafka, String topic, Duration horizon, ApiMetrics metrics) {
        this.horizonMillis = horizon.toMillis();
        this.metrics = metrics;
        this.consumer = new KafkaConsumer<>(kafka.clientConfig(Map.of(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false)),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.reader = new Thread(() -> read(topic), "feature-change-feed");
        reader.setDaemon(true);
        reader.start();
    }

    /** Who gets each message's heads, on the feed's thread, after its entities count as written. */
    public void onHeads(Consumer<List<FeatureRow>> listener) {
        this.headsListener = listener;
    }

    /** Waits until the feed reads from the topic's end: changes after this are seen. */
    public boolean awaitStarted(Duration timeout) throws InterruptedException {
        return atEnd.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void read(String topic) {
        try {
            List<PartitionInfo> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30));
            List<TopicPartition> assigned = partitions.stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(assigned);
            consumer.seekToEnd(assigned);
            assigned.forEach(consumer::position); // resolve the end now, not at the first poll
            atEnd.countDown();
            long lastPrune = System.currentTimeMillis();
            while (running) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    apply(record.value());
                }
                // a pass over every remembered write: once a second, not after every poll
                if (System.currentTimeMillis() - lastPrune >= PRUNE_EVERY_MILLIS) {
                    lastPrune = System.currentTimeMillis();
                    long cutoff = newest - horizonMillis;
                    written.values().removeIf(writtenAt -> writtenAt < cutoff);
                }
            }
        } catch (WakeupException e) {
            if (running) {
                throw e;
            }
        } catch (RuntimeException e) {
            metrics.countError(ErrorKind.FEATURE_CHANGE_FEED);
            LOG.error("the feature change feed stopped; served features follow writes only as they age out", e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void apply(byte[] message) {
        FeatureChanges changes;
        try {
            changes = FeatureChanges.decode(message);
        } catch (IllegalArgumentException e) {
            metrics.countError(ErrorKind.FEATURE_CHANGE_MESSAGE);
            return;
        }
        for (FeatureRow head : changes.heads()) {
            written.merge(head.key(), changes.writtenAt(), Math::max);
        }
        newest = Math.max(newest, changes.writtenAt());
        headsListener.accept(changes.heads());
    }

    @Override
    public Map<EntityKey, Long> writtenSince(long writtenAtOrAfter) {
        Map<EntityKey, Long> since = new HashMap<>();
        for (Map.Entry<EntityKey, Long> entry : written.entrySet()) {
            if (entry.getValue() >= writtenAtOrAfter) {
                since.put(entry.getKey(), entry.getValue());
            }
        }
        return since;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        reader.join(10_000);
    }
}
