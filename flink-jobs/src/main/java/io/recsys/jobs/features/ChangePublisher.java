package io.recsys.jobs.features;

import io.recsys.kafka.KafkaConnection;
import io.recsys.schema.feature.FeatureChanges;
import io.recsys.schema.feature.FeatureRow;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Publishes the heads (newest rows) a committed feature-store write changed, one message per write, so that API
 * replicas update what they hold without reading the store. A message lost here delays a replica's update of those
 * entities until their values' maximum age; it is counted
 * ({@code feature_changes_dropped}), and the store stays exact either way.
 */
final class ChangePublisher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ChangePublisher.class);

    private final String topic;
    private final KafkaProducer<byte[], byte[]> producer;
    private final Counter published;
    private final Counter dropped;
    private final AtomicBoolean failureLogged = new AtomicBoolean();

    ChangePublisher(KafkaConnection kafka, String topic, MetricGroup metrics) {
        this.topic = topic;
        this.producer = new KafkaProducer<>(kafka.clientConfig(Map.of(ProducerConfig.ACKS_CONFIG, "1",
                ProducerConfig.LINGER_MS_CONFIG, 0, ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000)),
                new ByteArraySerializer(), new ByteArraySerializer());
        this.published = metrics.counter("feature_changes_published");
        this.dropped = metrics.counter("feature_changes_dropped");
    }

    /** Called once the write of {@code heads} is committed, so a replica that reads on the message sees it. */
    void publish(Collection<FeatureRow> heads) {
        byte[] message = FeatureChanges.of(System.currentTimeMillis(), heads).encode();
        try {
            producer.send(new ProducerRecord<>(topic, message), (metadata, error) -> {
                if (error == null) {
                    published.inc();
                } else {
                    drop(heads.size(), error);
                }
            });
        } catch (RuntimeException e) {
            drop(heads.size(), e);
        }
    }

    private void drop(int entities, Exception error) {
        dropped.inc();
        if (failureLogged.compareAndSet(false, true)) {
            LOG.warn("a feature change message ({} entities) was not published; replicas re-read them only when"
                    + " their values age out (further drops are only counted)", entities, error);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
