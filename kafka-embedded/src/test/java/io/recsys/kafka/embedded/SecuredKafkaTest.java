package io.recsys.kafka.embedded;

import io.recsys.kafka.KafkaConnection;
import io.recsys.kafka.KafkaPropertiesFile;
import io.recsys.kafka.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The security settings of a client are what lets it write events, and only what its user's ACLs allow. */
class SecuredKafkaTest {

    private static final String PRODUCER = "producer";
    private static final String JOB = "feature-job";

    @TempDir
    static Path dir;
    static EmbeddedKafka kafka;

    @BeforeAll
    static void startSecuredBroker() {
        kafka = EmbeddedKafka.startSecured(dir.resolve("kafka"), Map.of(PRODUCER, "producer-secret",
                JOB, "job-secret"));
        Topics.ensure(kafka.connection(), 1);
        // as k8s/kafka/users.yaml: the producer writes events; the job reads them and writes what it derives
        kafka.allow(PRODUCER, AclOperation.WRITE, topic(Topics.EVENTS));
        kafka.allow(JOB, AclOperation.READ, topic(Topics.EVENTS));
        kafka.allow(JOB, AclOperation.WRITE, topic(Topics.DEAD_LETTER));
        kafka.allow(JOB, AclOperation.READ,
                new ResourcePattern(ResourceType.GROUP, "recsys-feature-job", PatternType.PREFIXED));
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
    }

    @Test
    void aClientWithoutCredentialsIsTurnedAwayAndNothingLands() {
        long before = eventsOnTheTopic();

        assertThatThrownBy(() -> send(KafkaConnection.plaintext(kafka.bootstrapServers()), Topics.EVENTS))
                .hasCauseInstanceOf(TimeoutException.class);

        assertThat(eventsOnTheTopic()).isEqualTo(before);
    }

    @Test
    void aClientWithTheWrongPasswordGetsAnAuthenticationError() {
        KafkaConnection wrongPassword = EmbeddedKafka.scram(kafka.bootstrapServers(), PRODUCER, "guessed");
        long before = eventsOnTheTopic();

        assertThatThrownBy(() -> send(wrongPassword, Topics.EVENTS))
                .hasCauseInstanceOf(SaslAuthenticationException.class);
        assertThat(eventsOnTheTopic()).isEqualTo(before);
    }

    @Test
    void aUserWhoseAclsDoNotCoverTheEventsTopicGetsAnAuthorizationError() {
        long before = eventsOnTheTopic();

        assertThatThrownBy(() -> send(kafka.connectionAs(JOB), Topics.EVENTS))
                .hasCauseInstanceOf(TopicAuthorizationException.class);
        assertThatThrownBy(() -> send(kafka.connectionAs(PRODUCER), Topics.DEAD_LETTER))
                .hasCauseInstanceOf(TopicAuthorizationException.class);
        assertThat(eventsOnTheTopic()).isEqualTo(before);
    }

    @Test
    void withItsPropertiesFileTheProducerWritesEventsAndTheJobReadsThem() throws Exception {
        Path file = Files.writeString(dir.resolve("producer.properties"), kafka.connectionAs(PRODUCER).security()
                .entrySet().stream().map(setting -> setting.getKey() + "=" + setting.getValue() + "\n")
                .reduce("", String::concat));
        KafkaConnection producer = KafkaPropertiesFile.connection(kafka.bootstrapServers(), file);

        send(producer, Topics.EVENTS);

        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(kafka.connectionAs(JOB).clientConfig(Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, "recsys-feature-job",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest")), new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(List.of(Topics.EVENTS));
            List<String> values = new ArrayList<>();
            long deadline = System.currentTimeMillis() + 30_000;
            while (values.isEmpty() && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(record.value());
                }
            }
            assertThat(values).containsExactly("an event");
        }
    }

    private static void send(KafkaConnection connection, String topic) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(connection.clientConfig(Map.of(
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 3_000, ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 3_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000)), new StringSerializer(), new StringSerializer())) {
            try {
                producer.send(new ProducerRecord<>(topic, "user", "an event")).get();
            } catch (TimeoutException | SaslAuthenticationException | TopicAuthorizationException e) {
                // thrown by send itself while it waits for metadata: wrapped like a failed delivery
                throw new ExecutionException(e);
            }
        }
    }

    /** The events topic's end offset, read as the super user (whom no ACL limits). */
    private static long eventsOnTheTopic() {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(kafka.connection().clientConfig(Map.of()),
                new StringDeserializer(), new StringDeserializer())) {
            TopicPartition partition = new TopicPartition(Topics.EVENTS, 0);
            return consumer.endOffsets(List.of(partition)).get(partition);
        }
    }

    private static ResourcePattern topic(String name) {
        return new ResourcePattern(ResourceType.TOPIC, name, PatternType.LITERAL);
    }
}
