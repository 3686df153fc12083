package io.recsys.kafka;

import io.recsys.schema.event.Event;
import io.recsys.schema.event.EventCodec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;

/**
 * Publishes events to Kafka keyed by user, each to a partition chosen here (so a caller knows in advance how many
 * land in each partition), idempotently (a retried send is not duplicated), optionally paced to a rate.
 */
public final class EventPublisher implements AutoCloseable {

    private final KafkaProducer<String, String> producer;
    private final String topic;
    private final int partitions;
    private final AtomicReference<Exception> failure = new AtomicReference<>();

    public EventPublisher(KafkaConnection kafka, String topic, int partitions) {
        this.producer = new KafkaProducer<>(kafka.clientConfig(Map.of(
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4")),
                new StringSerializer(), new StringSerializer());
        this.topic = topic;
        this.partitions = partitions;
    }

    public static int partitionOf(Event event, int partitions) {
        return Math.floorMod(event.userId().hashCode(), partitions);
    }

    /**
     * @param eventsPerSecond 0 for as fast as possible
     * @param progress        called with the number sent so far, every few thousand events
     */
    public void publish(List<Event> events, double eventsPerSecond, LongConsumer progress) {
        long started = System.nanoTime();
        for (int i = 0; i < events.size(); i++) {
            send(events.get(i));
            if (eventsPerSecond > 0) {
                pace(started, i + 1, eventsPerSecond);
            }
            if ((i + 1) % 2_000 == 0) {
                progress.accept(i + 1);
                throwIfFailed();
            }
        }
        producer.flush();
        throwIfFailed();
        progress.accept(events.size());
    }

    /** Sends without waiting; a failure surfaces on a later call. */
    public void send(Event event) {
        throwIfFailed();
        producer.send(new ProducerRecord<>(topic, partitionOf(event, partitions), event.userId(),
                EventCodec.encode(event)), (metadata, error) -> {
            if (error != null) {
                failure.compareAndSet(null, error);
            }
        });
    }

    public void publishRaw(String key, String value) {
        producer.send(new ProducerRecord<>(topic, key, value));
    }

    private void throwIfFailed() {
        Exception error = failure.get();
        if (error != null) {
            throw new IllegalStateException("publishing to Kafka topic " + topic + " failed: " + error.getMessage(),
                    error);
        }
    }

    private static void pace(long started, long sent, double eventsPerSecond) {
        long due = started + (long) (sent / eventsPerSecond * 1e9);
        long wait = due - System.nanoTime();
        if (wait > 1_000_000) {
            try {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while publishing", e);
            }
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
