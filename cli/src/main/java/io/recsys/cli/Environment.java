package io.recsys.cli;

import io.recsys.kafka.EmbeddedKafka;
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

        /** @return a started embedded broker, or null when --kafka names an external one */
        EmbeddedKafka startEmbeddedUnlessExternal(Path dataDir) {
            return bootstrap == null ? EmbeddedKafka.start(dataDir.resolve("kafka")) : null;
        }
    }
}
