package io.recsys.jobs.features;

import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.common.TopicPartition;

import java.util.Map;

/** The job's production sources and sinks on Kafka. */
public final class KafkaEndpoints {

    public static final String CONSUMER_GROUP = "recsys-feature-job";

    private KafkaEndpoints() {
    }

    /** An unbounded source resuming from the group's committed offsets (earliest the first time). */
    public static KafkaSource<String> unbounded(String bootstrapServers, String topic) {
        return builder(bootstrapServers, topic)
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .build();
    }

    /** A source that reads [start, stop) per partition and then finishes: one replay. */
    public static KafkaSource<String> bounded(String bootstrapServers, String topic,
                                              Map<TopicPartition, Long> start, Map<TopicPartition, Long> stop) {
        return builder(bootstrapServers, topic)
                .setStartingOffsets(OffsetsInitializer.offsets(start))
                .setBounded(OffsetsInitializer.offsets(stop))
                .build();
    }

    /** The whole topic as it is now, then finish (the catalogue for a replay). */
    public static KafkaSource<String> upToNow(String bootstrapServers, String topic) {
        return builder(bootstrapServers, topic)
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setBounded(OffsetsInitializer.latest())
                .build();
    }

    private static KafkaSourceBuilder<String> builder(String bootstrapServers, String topic) {
        return KafkaSource.<String>builder()
                .setBootstrapServers(bootstrapServers)
                .setTopics(topic)
                .setGroupId(CONSUMER_GROUP)
                .setValueOnlyDeserializer(new SimpleStringSchema())
                .setProperty("partition.discovery.interval.ms", "10000");
    }

    public static KafkaSink<String> sink(String bootstrapServers, String topic) {
        return KafkaSink.<String>builder()
                .setBootstrapServers(bootstrapServers)
                .setRecordSerializer(KafkaRecordSerializationSchema.builder()
                        .setTopic(topic)
                        .setValueSerializationSchema(new SimpleStringSchema())
                        .build())
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .build();
    }
}
