package io.recsys.jobs.features;

import io.recsys.kafka.KafkaConnection;
import io.recsys.schema.event.EventTimePolicy;
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

/** The job's production sources and sinks on Kafka, each made with the connection's security settings. */
public final class KafkaEndpoints {

    public static final String CONSUMER_GROUP = "recsys-feature-job";

    private KafkaEndpoints() {
    }

    /** Events, unbounded, resuming from the group's committed offsets (earliest the first time). */
    public static KafkaSource<DecodedRecord> events(KafkaConnection kafka, String topic) {
        return eventsBuilder(kafka, topic)
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .build();
    }

    /** Events in [start, stop) per partition, then finish: one replay. */
    public static KafkaSource<DecodedRecord> events(KafkaConnection kafka, String topic,
                                                    Map<TopicPartition, Long> start,
                                                    Map<TopicPartition, Long> stop) {
        return eventsBuilder(kafka, topic)
                .setStartingOffsets(OffsetsInitializer.offsets(start))
                .setBounded(OffsetsInitializer.offsets(stop))
                .build();
    }

    /** The catalogue: the whole topic, then follow it. */
    public static KafkaSource<String> catalogue(KafkaConnection kafka, String topic) {
        return catalogueBuilder(kafka, topic).setStartingOffsets(OffsetsInitializer.earliest()).build();
    }

    /** The catalogue as it is now, then finish (for a replay). */
    public static KafkaSource<String> catalogueUpToNow(KafkaConnection kafka, String topic) {
        return catalogueBuilder(kafka, topic)
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setBounded(OffsetsInitializer.latest())
                .build();
    }

    private static KafkaSourceBuilder<DecodedRecord> eventsBuilder(KafkaConnection kafka, String topic) {
        return KafkaSource.<DecodedRecord>builder()
                .setBootstrapServers(kafka.bootstrapServers())
                .setProperties(kafka.securityProperties())
                .setTopics(topic)
                .setGroupId(CONSUMER_GROUP)
                .setDeserializer(new EventRecordDeserializer(EventTimePolicy.DEFAULT))
                .setProperty("partition.discovery.interval.ms", "10000");
    }

    private static KafkaSourceBuilder<String> catalogueBuilder(KafkaConnection kafka, String topic) {
        return KafkaSource.<String>builder()
                .setBootstrapServers(kafka.bootstrapServers())
                .setProperties(kafka.securityProperties())
                .setTopics(topic)
                .setGroupId(CONSUMER_GROUP + "-catalogue")
                .setValueOnlyDeserializer(new SimpleStringSchema());
    }

    public static KafkaSink<String> sink(KafkaConnection kafka, String topic) {
        return KafkaSink.<String>builder()
                .setBootstrapServers(kafka.bootstrapServers())
                .setKafkaProducerConfig(kafka.securityProperties())
                .setRecordSerializer(KafkaRecordSerializationSchema.builder()
                        .setTopic(topic)
                        .setValueSerializationSchema(new SimpleStringSchema())
                        .build())
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .build();
    }
}
