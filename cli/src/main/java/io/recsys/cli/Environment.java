package io.recsys.cli;

import io.recsys.kafka.KafkaConnection;
import io.recsys.kafka.KafkaPropertiesFile;
import io.recsys.kafka.embedded.EmbeddedKafka;
import io.recsys.store.FeatureStores;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** Where things live: options shared by the commands, and the embedded defaults behind them. */
final class Environment {

    @Option(names = "--data-dir", defaultValue = "./data",
            description = "Directory for the embedded store, Kafka logs and checkpoints (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--store", description = "Feature store JDBC URL, e.g. jdbc:postgresql://127.0.0.1:5432/db;"
            + " default: the embedded store under --data-dir.")
    String store;

    String storeUrl() {
        return FeatureStores.urlOrEmbedded(store, dataDir);
    }

    Path checkpoints() {
        return dataDir.resolve("checkpoints");
    }

    /** Kafka options of the commands that publish or consume. */
    static final class KafkaOption {
        @Option(names = "--kafka", description = "Kafka bootstrap servers host:port; default: an embedded broker"
                + " whose logs live under --data-dir.")
        String bootstrap;

        /** shared with serve, whose --kafka is required */
        static final String PROPERTIES_DESCRIPTION = "Security settings of the clients of --kafka"
                + " (security.protocol, sasl.*, ssl.*; docs/operations.md); default: the file $"
                + KafkaPropertiesFile.ENVIRONMENT_VARIABLE + " names, else none.";

        @Option(names = "--kafka-properties", description = PROPERTIES_DESCRIPTION)
        Path properties;

        /** @return a started embedded broker, or null when --kafka names an external one */
        EmbeddedKafka startEmbeddedUnlessExternal(Path dataDir) {
            if (bootstrap == null && properties != null) {
                throw new IllegalArgumentException("--kafka-properties is for the Kafka --kafka names; the embedded"
                        + " broker asks for no credentials");
            }
            return bootstrap == null ? EmbeddedKafka.start(dataDir.resolve("kafka")) : null;
        }

        /** @param embedded what {@link #startEmbeddedUnlessExternal} returned */
        KafkaConnection connection(EmbeddedKafka embedded) {
            return embedded == null ? KafkaPropertiesFile.connection(bootstrap, properties) : embedded.connection();
        }
    }
}
