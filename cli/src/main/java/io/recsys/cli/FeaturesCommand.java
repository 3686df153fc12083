package io.recsys.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.recsys.datasets.Dataset;
import io.recsys.datasets.Datasets;
import io.recsys.jobs.features.FeatureJobRunner;
import io.recsys.replay.Replay;
import io.recsys.schema.feature.EntityKey;
import io.recsys.schema.feature.FeatureRegistry;
import io.recsys.schema.feature.FeatureVector;
import io.recsys.store.FeatureStore;
import io.recsys.store.FeatureStores;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "features", mixinStandardHelpOptions = true, description = "Replay datasets and read features.",
        subcommands = {FeaturesCommand.ReplayCommand.class, FeaturesCommand.GetCommand.class,
                FeaturesCommand.PruneCommand.class})
final class FeaturesCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "replay", mixinStandardHelpOptions = true,
            description = "Publish a dataset's events to Kafka in event-time order, run the feature job over them,"
                    + " and exit once every event is in the store.")
    static final class ReplayCommand implements Callable<Integer> {

        @Option(names = "--dataset", required = true, description = "mind or movielens")
        String dataset;

        @Option(names = "--path", required = true, description = "The dataset's directory.")
        Path path;

        @Option(names = "--rate", defaultValue = "0",
                description = "Events per second to publish at; 0 (default) for as fast as possible.")
        double rate;

        @Option(names = "--parallelism", defaultValue = "2", description = "Flink parallelism (default: 2).")
        int parallelism;

        @Option(names = "--jobmanager", description = "REST address of a Flink cluster (http://HOST:PORT, e.g. from"
                + " ./recsys cluster start) to submit the feature-job jar to; default: a MiniCluster in this process.")
        String jobManager;

        @Mixin
        Environment environment;

        @ArgGroup(exclusive = false)
        Environment.KafkaOption kafka = new Environment.KafkaOption();

        @Override
        public Integer call() throws Exception {
            Dataset data = Datasets.read(dataset, path);
            FeatureJobRunner runner = jobManager == null ? FeatureJobRunner.local(0)
                    : FeatureJobRunner.remote(jobManager, Installation.featureJobJar());
            Replay.Result result = DatasetReplay.run(data, environment.dataDir, environment.storeUrl(), kafka,
                    parallelism, rate, runner);
            System.out.println(DatasetReplay.summary(result, dataset, environment.storeUrl()));
            return 0;
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true,
            description = "Print an entity's features as of an instant (default: now) as JSON.")
    static final class GetCommand implements Callable<Integer> {

        @Option(names = "--entity", required = true, description = "item:ID, user:ID, user_category:USER|CATEGORY"
                + " or global")
        String entity;

        @Option(names = "--at", description = "ISO-8601 instant, e.g. 2019-11-13T10:00:00Z; windows cover"
                + " [at - W, at). Default: now.")
        String at;

        @Mixin
        Environment environment;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            EntityKey key;
            try {
                key = EntityKey.parse(entity);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--entity: " + e.getMessage());
            }
            long instant;
            try {
                instant = at == null ? System.currentTimeMillis() : Instant.parse(at).toEpochMilli();
            } catch (DateTimeParseException e) {
                throw new ParameterException(spec.commandLine(),
                        "--at must be an ISO-8601 instant such as 2019-11-13T10:00:00Z, got '" + at + "'");
            }
            try (FeatureStore store = FeatureStores.open(environment.storeUrl(), FeatureRegistry.load())) {
                FeatureVector vector = store.offline().readAsOf(key, instant);
                Map<String, Object> json = new LinkedHashMap<>();
                json.put("entity", key.toString());
                json.put("at", Instant.ofEpochMilli(instant).toString());
                json.put("features", vector.values());
                System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                        .writeValueAsString(json));
            }
            return 0;
        }
    }

    @Command(name = "prune", mixinStandardHelpOptions = true,
            description = "Delete feature-log rows and interactions older than the retention, keeping each"
                    + " entity's last row before the cutoff so windows after it stay exact.")
    static final class PruneCommand implements Callable<Integer> {

        @Option(names = "--older-than", description = "ISO-8601 duration, e.g. P30D; default: the registry's"
                + " retention.")
        java.time.Duration olderThan;

        @Mixin
        Environment environment;

        @Override
        public Integer call() {
            FeatureRegistry registry = FeatureRegistry.load();
            java.time.Duration retention = olderThan == null ? registry.retention() : olderThan;
            if (retention.isNegative() || retention.isZero()) {
                throw new IllegalArgumentException("--older-than must be a positive duration such as P30D");
            }
            long cutoff = System.currentTimeMillis() - retention.toMillis();
            try (FeatureStore store = FeatureStores.open(environment.storeUrl(), registry)) {
                int deleted = store.retention().deleteBefore(cutoff);
                System.out.printf("deleted %d rows older than %s%n", deleted, Instant.ofEpochMilli(cutoff));
            }
            return 0;
        }
    }

    static String redact(String url) {
        return url.replaceAll("password=[^&;]*", "password=***");
    }
}
