package io.recsys.kafka;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.SaslConfigs;

import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

/**
 * Where Kafka is and how a client proves who it is there: the bootstrap servers and the security settings
 * ({@code security.protocol}, {@code sasl.*}, {@code ssl.*}, config providers) every Kafka client of the system is
 * made with. Serializable, so a Flink sink carries it to the task managers that open the clients.
 *
 * <p>{@link #toString()} names the protocol and mechanism only: the settings hold passwords (or where to find them),
 * and this value ends up in logs and error messages.
 *
 * @param security client settings from {@link KafkaPropertiesFile}; empty for a broker that asks for none
 */
public record KafkaConnection(String bootstrapServers, Map<String, String> security) implements Serializable {

    public KafkaConnection {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        security = Map.copyOf(security);
    }

    /** A broker that asks clients for no credentials (the embedded default, tests). */
    public static KafkaConnection plaintext(String bootstrapServers) {
        return new KafkaConnection(bootstrapServers, Map.of());
    }

    /** The configuration of a client: the bootstrap servers, the client's own settings and the security settings. */
    public Map<String, Object> clientConfig(Map<String, ?> own) {
        Map<String, Object> config = new HashMap<>(own);
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.putAll(security);
        return config;
    }

    /** The security settings alone, for builders that take the bootstrap servers separately (Flink's connector). */
    public Properties securityProperties() {
        Properties properties = new Properties();
        properties.putAll(security);
        return properties;
    }

    @Override
    public String toString() {
        if (security.isEmpty()) {
            return bootstrapServers;
        }
        return bootstrapServers + " (" + security.getOrDefault(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "PLAINTEXT")
                + ", " + security.getOrDefault(SaslConfigs.SASL_MECHANISM, "no SASL mechanism") + ")";
    }
}
