package io.recsys.cli;

import io.recsys.kafka.KafkaConnection;
import io.recsys.schema.event.Decoded;
import io.recsys.schema.event.Event;
import io.recsys.schema.event.EventCodec;
import io.recsys.schema.event.EventTimePolicy;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongConsumer;

/**
 * The logged events as training reads them: every record of the events topic up to its end when the log is opened,
 * decoded and validated as the feature job does, each event id once, in event-time order.
 */
final class KafkaEventLog implements AutoCloseable {

    /** What was read; {@code refused} counts records the feature job would have dead-lettered too. */
    record Read(List<Event> events, long records, long refused, long duplicates) {
    }

    private final KafkaConsumer<String, String> consumer;
    private final List<TopicPartition> partitions;
    private final Map<TopicPartition, Long> end;
    private final long records;

    private KafkaEventLog(KafkaConsumer<String, String> consumer, List<TopicPartition> partitions) {
        this.consumer = consumer;
        this.partitions = partitions;
        this.end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
        Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions, Duration.ofSeconds(30));
        this.records = partitions.stream().mapToLong(p -> end.get(p) - begin.get(p)).sum();
    }

    static KafkaEventLog open(KafkaConnection kafka, String topic) {
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(kafka.clientConfig(Map.of(
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000)), new StringDeserializer(), new StringDeserializer());
        try {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
            if (infos == null || infos.isEmpty()) {
                throw new IllegalArgumentException("the topic " + topic + " does not exist on Kafka at " + kafka
                        + ": nothing has been logged to train on");
            }
            return new KafkaEventLog(consumer,
                    infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList());
        } catch (RuntimeException e) {
            consumer.close();
            throw e;
        }
    }

    /** Records in the log when it was opened: what {@link #read} goes through. */
    long records() {
        return records;
    }

    /** The valid events with time before {@code untilMillis}; {@code progress} hears the records read so far. */
    Read read(long untilMillis, LongConsumer progress) {
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        List<Event> events = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        long read = 0;
        long refused = 0;
        long duplicates = 0;
        Clock clock = Clock.systemUTC();
        while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
            for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofSeconds(1))) {
                if (record.offset() >= end.get(new TopicPartition(record.topic(), record.partition()))) {
                    continue;
                }
                read++;
                Decoded decoded = EventCodec.decode(record.value(), EventTimePolicy.DEFAULT, clock);
                if (decoded.event() == null) {
                    refused++;
                } else if (!ids.add(decoded.event().eventId())) {
                    duplicates++;
                } else if (decoded.event().eventTime() < untilMillis) {
                    events.add(decoded.event());
                }
            }
            progress.accept(read);
        }
        events.sort(Comparator.comparingLong(Event::eventTime));
        return new Read(events, read, refused, duplicates);
    }

    @Override
    public void close() {
        consumer.close();
    }
}
