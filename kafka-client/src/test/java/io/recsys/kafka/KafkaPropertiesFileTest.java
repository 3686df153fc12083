package io.recsys.kafka;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KafkaPropertiesFileTest {

    private static final String JAAS = "org.apache.kafka.common.security.scram.ScramLoginModule required"
            + " username=\"ranker-api\" password=\"s3cret\";";

    @Test
    void securitySettingsFromTheFileJoinEveryClientsOwnConfiguration(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("client.properties"), """
                # the ranker API's user
                security.protocol=SASL_SSL
                sasl.mechanism=SCRAM-SHA-512
                sasl.jaas.config=%s
                ssl.truststore.type=PEM
                """.formatted(JAAS));

        KafkaConnection kafka = KafkaPropertiesFile.connection("kafka:9093", file);

        assertThat(kafka.clientConfig(Map.of(ProducerConfig.ACKS_CONFIG, "all"))).containsExactlyInAnyOrderEntriesOf(
                Map.of("bootstrap.servers", "kafka:9093", "acks", "all", "security.protocol", "SASL_SSL",
                        "sasl.mechanism", "SCRAM-SHA-512", "sasl.jaas.config", JAAS, "ssl.truststore.type", "PEM"));
    }

    @Test
    void aConnectionNeverPrintsItsPassword(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("client.properties"),
                "security.protocol=SASL_PLAINTEXT\nsasl.mechanism=SCRAM-SHA-512\nsasl.jaas.config=" + JAAS + "\n");

        assertThat(KafkaPropertiesFile.connection("kafka:9092", file).toString())
                .isEqualTo("kafka:9092 (SASL_PLAINTEXT, SCRAM-SHA-512)")
                .doesNotContain("s3cret");
    }

    @Test
    void withoutAFileTheConnectionIsPlaintext() {
        assertThat(KafkaPropertiesFile.connection("kafka:9092", null).security()).isEmpty();
    }

    @Test
    void aMissingFileIsAStartupErrorThatNamesIt(@TempDir Path dir) {
        Path missing = dir.resolve("nowhere.properties");

        assertThatThrownBy(() -> KafkaPropertiesFile.connection("kafka:9092", missing))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot read the Kafka client properties file " + missing)
                .hasMessageContaining("--kafka-properties or RECSYS_KAFKA_PROPERTIES");
    }

    @Test
    void aFileThatChangesHowClientsDeliverIsRefused(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("client.properties"), "security.protocol=SASL_SSL\nacks=0\n");

        assertThatThrownBy(() -> KafkaPropertiesFile.read(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sets acks; it may set only security settings");
    }

    @Test
    void aFileMayNameItsSecretThroughAConfigProvider(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("client.properties"), """
                config.providers=dir
                config.providers.dir.class=org.apache.kafka.common.config.provider.DirectoryConfigProvider
                sasl.jaas.config=${dir:/etc/kafka-user:sasl.jaas.config}
                """);

        assertThat(KafkaPropertiesFile.read(file)).containsEntry("sasl.jaas.config",
                "${dir:/etc/kafka-user:sasl.jaas.config}");
    }
}
