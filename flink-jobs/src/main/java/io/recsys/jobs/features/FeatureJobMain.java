package io.recsys.jobs.features;

import io.recsys.kafka.KafkaConnection;
import io.recsys.kafka.KafkaPropertiesFile;
import io.recsys.kafka.Topics;
import io.recsys.schema.feature.FeatureRegistry;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The entry class of the shaded feature-job jar, for {@code flink run} and the Flink Kubernetes Operator:
 * {@code --kafka HOST:PORT --store JDBC_URL [--kafka-properties FILE]}, where FILE holds the Kafka clients' security
 * settings ({@link KafkaPropertiesFile}; default: the file {@code RECSYS_KAFKA_PROPERTIES} names, else none).
 * Everything about how it runs (state backend, checkpoints, restarts, parallelism) comes from the cluster's
 * configuration, flink-conf/config.yaml; the job follows the events topic from its consumer group's committed
 * offsets.
 */
public final class FeatureJobMain {

    private static final List<String> OPTIONS = List.of("--kafka", "--store", "--kafka-properties");
    private static final String USAGE = "usage: --kafka HOST:PORT --store JDBC_URL [--kafka-properties FILE]";

    private FeatureJobMain() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = parse(args);
        String properties = options.get("--kafka-properties");
        KafkaConnection kafka = KafkaPropertiesFile.connection(options.get("--kafka"),
                properties == null ? null : Path.of(properties));
        String store = options.get("--store");
        FeatureRegistry registry = FeatureRegistry.load();
        FeatureJob job = FeatureJob.onKafka(kafka, KafkaEndpoints.events(kafka, Topics.EVENTS),
                KafkaEndpoints.catalogue(kafka, Topics.CATALOGUE), store, registry, SinkBatching.DEFAULT);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        job.build(env);
        env.execute("recsys-features");
    }

    static Map<String, String> parse(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            if (!OPTIONS.contains(args[i]) || i + 1 >= args.length) {
                throw new IllegalArgumentException(USAGE + "; got '" + args[i] + "'");
            }
            options.put(args[i], args[i + 1]);
        }
        for (String required : List.of("--kafka", "--store")) {
            if (!options.containsKey(required)) {
                throw new IllegalArgumentException(required + " is required");
            }
        }
        return options;
    }
}
