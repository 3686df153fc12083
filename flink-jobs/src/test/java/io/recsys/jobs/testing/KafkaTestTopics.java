package io.recsys.jobs.testing;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.IntUnaryOperator;

/** Fresh topics per test on the embedded broker, and plain producer/consumer helpers. */
public final class KafkaTestTopics {

    private KafkaTestTopics() {
    }

    public static String create(String bootstrap, String prefix, int partitions) throws Exception {
        String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get();
        }
        return name;
    }

    /** Publishes round-robin over partitions; returns the end offset of each partition afterwards. */
    public static Map<TopicPartition, Long> publish(String bootstrap, String topic, int partitions, List<String> values)
            throws Exception {
        return publish(bootstrap, topic, partitions, values, i -> i % partitions);
    }

    /**
     * Publishes the {@code i}-th value to partition {@code partitionOf(i)}; returns the end offset of each partition
     * afterwards.
     */
    public static Map<TopicPartition, Long> publish(String bootstrap, String topic, int partitions, List<String> values,
                                                    IntUnaryOperator partitionOf) throws Exception {
        Map<TopicPartition, Long> ends = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            ends.put(new TopicPartition(topic, p), 0L);
        }
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.LINGER_MS_CONFIG, 5),
                new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < values.size(); i++) {
                int partition = partitionOf.applyAsInt(i);
                producer.send(new ProducerRecord<>(topic, partition, null, values.get(i)));
                ends.merge(new TopicPartition(topic, partition), 1L, Long::sum);
            }
            producer.flush();
        }
        return ends;
    }

    public static Map<TopicPartition, Long> zeros(String topic, int partitions) {
        Map<TopicPartition, Long> start = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            start.put(new TopicPartition(topic, p), 0L);
        }
        return start;
    }

    public static List<String> readAll(String bootstrap, String topic, int expected, Duration timeout) {
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.currentTimeMillis() + timeout.toMillis();
            while (values.size() < expected && System.currentTimeMillis() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
            }
        }
        return values;
    }
}
