package io.recsys.jobs.features;

import io.recsys.kafka.EventPublisher;
import io.recsys.kafka.KafkaConnection;
import io.recsys.kafka.KafkaPropertiesFile;
import io.recsys.kafka.Topics;
import io.recsys.kafka.embedded.EmbeddedKafka;
import io.recsys.schema.event.Event;
import io.recsys.schema.event.EventType;
import io.recsys.schema.feature.Counters;
import io.recsys.schema.feature.EntityKey;
import io.recsys.schema.feature.EntityType;
import io.recsys.schema.feature.FeatureRegistry;
import io.recsys.simulator.Simulator;
import io.recsys.simulator.SimulatorConfig;
import io.recsys.store.FeatureStore;
import io.recsys.store.FeatureStores;
import io.recsys.store.testing.TestDatabases;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The production wiring ({@link FeatureJob#onKafka}) on a broker that asks for credentials, each client made from
 * the job's properties file, with only the ACLs k8s/kafka/users.yaml gives the job's user.
 */
class FeatureJobOnSecuredKafkaTest {

    private static final FeatureRegistry REGISTRY = FeatureRegistry.load();
    private static final int PARTITIONS = 2;
    private static final String PRODUCER = "producer";
    private static final String JOB = "feature-job";

    @Test
    void theJobReadsEventsAndWritesDeadLettersAndChangesThroughItsPropertiesFile(@TempDir Path dir) throws Exception {
        Simulator simulator = new Simulator(SimulatorConfig.small(7));
        List<Event> events = simulator.history(300);
        String storeUrl = TestDatabases.freshH2();
        try (EmbeddedKafka kafka = EmbeddedKafka.startSecured(dir.resolve("kafka"),
                Map.of(PRODUCER, "producer-secret", JOB, "job-secret"))) {
            Topics.ensure(kafka.connection(), PARTITIONS);
            kafka.allow(PRODUCER, AclOperation.WRITE, topic(Topics.EVENTS));
            kafka.allow(JOB, AclOperation.READ, topic(Topics.EVENTS));
            kafka.allow(JOB, AclOperation.READ, topic(Topics.CATALOGUE));
            kafka.allow(JOB, AclOperation.READ, new ResourcePattern(ResourceType.GROUP, KafkaEndpoints.CONSUMER_GROUP,
                    PatternType.PREFIXED));
            kafka.allow(JOB, AclOperation.WRITE, topic(Topics.DEAD_LETTER));
            kafka.allow(JOB, AclOperation.WRITE, topic(Topics.FEATURE_CHANGES));
            try (EventPublisher catalogue = new EventPublisher(kafka.connection(), Topics.CATALOGUE, 1)) {
                simulator.catalogue().forEach(item -> catalogue.publishRaw(item.itemId(), item.toJson()));
            }
            try (EventPublisher producer = new EventPublisher(kafka.connectionAs(PRODUCER), Topics.EVENTS,
                    PARTITIONS)) {
                producer.publish(events, 0, sent -> { });
                producer.publishRaw("u1", "{not json");
            }
            KafkaConnection job = KafkaPropertiesFile.connection(kafka.bootstrapServers(),
                    propertiesFile(dir, kafka.connectionAs(JOB)));

            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(
                    FeatureJobSettings.defaults(dir.resolve("checkpoints")).toConfiguration());
            env.setParallelism(PARTITIONS);
            FeatureJob.onKafka(job, KafkaEndpoints.events(job, Topics.EVENTS, offsets(kafka, OffsetSpec.earliest()),
                            offsets(kafka, OffsetSpec.latest())),
                    KafkaEndpoints.catalogueUpToNow(job, Topics.CATALOGUE), storeUrl, REGISTRY,
                    SinkBatching.DEFAULT).build(env);
            env.execute("feature-job-on-secured-kafka");

            try (FeatureStore store = FeatureStores.open(storeUrl, REGISTRY)) {
                Counters global = store.online().latestRow(EntityKey.GLOBAL).orElseThrow().counters();
                List<Event> counted = FeedbackAttribution.countedFor(EntityType.GLOBAL, events, REGISTRY);
                assertThat(global.impressions()).isEqualTo(count(counted, EventType.IMPRESSION));
                assertThat(global.clicks()).isEqualTo(count(counted, EventType.CLICK));
            }
            assertThat(endOffset(kafka, Topics.DEAD_LETTER)).as("the malformed record, dead-lettered").isEqualTo(1);
            assertThat(endOffset(kafka, Topics.FEATURE_CHANGES)).as("each store write's changes, published")
                    .isPositive();
        }
    }

    /**
     * The file as k8s/kafka/client-config.yaml has it (TLS aside): no password in it, the JAAS line read through
     * Kafka's DirectoryConfigProvider from the user's Secret, here a directory holding the file sasl.jaas.config as
     * the mounted Secret does. The task managers resolve it where they make their clients.
     */
    private static Path propertiesFile(Path dir, KafkaConnection user) throws Exception {
        Path secret = Files.createDirectories(dir.resolve("kafka-user"));
        Files.writeString(secret.resolve(SaslConfigs.SASL_JAAS_CONFIG),
                user.security().get(SaslConfigs.SASL_JAAS_CONFIG));
        return Files.writeString(dir.resolve("client.properties"), String.join("\n",
                "security.protocol=SASL_PLAINTEXT",
                "sasl.mechanism=" + EmbeddedKafka.SCRAM_MECHANISM,
                "config.providers=dir",
                "config.providers.dir.class=org.apache.kafka.common.config.provider.DirectoryConfigProvider",
                "sasl.jaas.config=${dir:" + secret + ":sasl.jaas.config}"));
    }

    private static Map<TopicPartition, Long> offsets(EmbeddedKafka kafka, OffsetSpec spec) throws Exception {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (int p = 0; p < PARTITIONS; p++) {
            request.put(new TopicPartition(Topics.EVENTS, p), spec);
        }
        Map<TopicPartition, Long> offsets = new HashMap<>();
        try (Admin admin = Admin.create(kafka.connection().clientConfig(Map.of()))) {
            admin.listOffsets(request).all().get(30, TimeUnit.SECONDS)
                    .forEach((partition, info) -> offsets.put(partition, info.offset()));
        }
        return offsets;
    }

    private static long endOffset(EmbeddedKafka kafka, String topic) throws Exception {
        try (Admin admin = Admin.create(kafka.connection().clientConfig(Map.of()))) {
            TopicPartition partition = new TopicPartition(topic, 0);
            return admin.listOffsets(Map.of(partition, OffsetSpec.latest())).all().get(30, TimeUnit.SECONDS)
                    .get(partition).offset();
        }
    }

    private static long count(List<Event> events, EventType type) {
        return events.stream().filter(event -> event.type() == type).count();
    }

    private static ResourcePattern topic(String name) {
        return new ResourcePattern(ResourceType.TOPIC, name, PatternType.LITERAL);
    }
}
