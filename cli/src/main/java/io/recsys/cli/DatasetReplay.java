package io.recsys.cli;

import io.recsys.datasets.Dataset;
import io.recsys.jobs.features.FeatureJobRunner;
import io.recsys.jobs.features.FeatureJobSettings;
import io.recsys.kafka.KafkaConnection;
import io.recsys.kafka.embedded.EmbeddedKafka;
import io.recsys.replay.Replay;
import io.recsys.schema.feature.FeatureRegistry;

import java.nio.file.Path;

/** Replays a dataset through Kafka and the feature job with progress bars: shared by replay, train and evaluate. */
final class DatasetReplay {

    private DatasetReplay() {
    }

    static String summary(Replay.Result result, String dataset, String storeUrl) {
        return String.format("replayed %d %s events (%d impressions, %d clicks and %d views counted) in %.1f s into %s",
                result.events(), dataset, result.impressions(), result.clicks(), result.views(),
                result.wallMillis() / 1000.0, FeaturesCommand.redact(storeUrl));
    }

    static Replay.Result run(Dataset data, Path dataDir, String storeUrl, Environment.KafkaOption kafka,
                             int parallelism, double rate, FeatureJobRunner runner) throws Exception {
        if (rate < 0) {
            throw new IllegalArgumentException("--rate must be 0 (as fast as possible) or positive");
        }
        FeatureRegistry registry = FeatureRegistry.load();
        try (EmbeddedKafka embedded = kafka.startEmbeddedUnlessExternal(dataDir);
             ConsoleProgress progress = new ConsoleProgress()) {
            KafkaConnection connection = kafka.connection(embedded);
            FeatureJobSettings settings = FeatureJobSettings.defaults(dataDir.resolve("checkpoints"))
                    .withParallelism(parallelism);
            Replay.Result result = Replay.run(data, connection, storeUrl, registry, settings, runner, rate, progress);
            progress.close();
            return result;
        }
    }
}
