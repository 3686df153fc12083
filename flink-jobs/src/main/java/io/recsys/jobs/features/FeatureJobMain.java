package io.recsys.jobs.features;

import io.recsys.kafka.Topics;
import io.recsys.schema.feature.FeatureRegistry;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The entry class of the shaded feature-job jar, for {@code flink run} and the Flink Kubernetes Operator:
 * {@code --kafka HOST:PORT --store JDBC_URL}. Everything about how it runs (state backend, checkpoints, restarts,
 * parallelism) comes from the cluster's configuration, flink-conf/config.yaml; the job follows the events topic
 * from its consumer group's committed offsets.
 */
public final class FeatureJobMain {

    private static final List<String> OPTIONS = List.of("--kafka", "--store");

    private FeatureJobMain() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = parse(args);
        String kafka = options.get("--kafka");
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
                throw new IllegalArgumentException("usage: --kafka HOST:PORT --store JDBC_URL; got '" + args[i]
                        + "'");
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
