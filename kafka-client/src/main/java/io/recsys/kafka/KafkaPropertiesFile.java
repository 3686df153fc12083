package io.recsys.kafka;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.AbstractConfig;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Reads the Kafka client security settings of a deployment from a Java properties file: the file named by
 * {@code --kafka-properties}, else by the environment variable {@value #ENVIRONMENT_VARIABLE}. Only security
 * settings are accepted. The code sets how each client delivers (acks, idempotence, batching, offsets) for a
 * reason written beside it, and a file that quietly changed {@code acks} would break guarantees nobody sees; so any
 * other key is refused at startup instead.
 */
public final class KafkaPropertiesFile {

    public static final String ENVIRONMENT_VARIABLE = "RECSYS_KAFKA_PROPERTIES";

    /**
     * Keys starting with one of these. {@code config.providers} lets the file name a secret instead of holding it,
     * e.g. {@code sasl.jaas.config=${dir:/etc/kafka-user:sasl.jaas.config}} over a mounted Kubernetes Secret.
     */
    static final List<String> ACCEPTED_PREFIXES = List.of(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "sasl.",
            "ssl.", AbstractConfig.CONFIG_PROVIDERS_CONFIG);

    private KafkaPropertiesFile() {
    }

    /**
     * @param option the file given on the command line; null: the file the environment names, if any
     * @return the connection to {@code bootstrapServers} with that file's settings; plaintext without a file
     */
    public static KafkaConnection connection(String bootstrapServers, Path option) {
        Path file = option;
        String fromEnvironment = System.getenv(ENVIRONMENT_VARIABLE);
        if (file == null && fromEnvironment != null && !fromEnvironment.isBlank()) {
            file = Path.of(fromEnvironment);
        }
        return file == null ? KafkaConnection.plaintext(bootstrapServers)
                : new KafkaConnection(bootstrapServers, read(file));
    }

    /** The file's settings; a file that is missing, unreadable or holds anything but security settings is an error. */
    public static Map<String, String> read(Path file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the Kafka client properties file " + file
                    + " (--kafka-properties or " + ENVIRONMENT_VARIABLE + "): " + e, e);
        }
        Map<String, String> settings = new TreeMap<>();
        for (String key : properties.stringPropertyNames()) {
            if (ACCEPTED_PREFIXES.stream().noneMatch(key::startsWith)) {
                throw new IllegalArgumentException("the Kafka client properties file " + file + " sets " + key
                        + "; it may set only security settings (keys starting with "
                        + String.join(", ", ACCEPTED_PREFIXES) + "): the rest is the code's to set");
            }
            settings.put(key, properties.getProperty(key).trim());
        }
        return settings;
    }
}
