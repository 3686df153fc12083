package io.recsys.cli;

import io.recsys.kafka.Topics;
import io.recsys.kafka.embedded.EmbeddedKafka;
import io.recsys.models.bundle.BundleRegistry;
import io.recsys.models.bundle.ModelBundle;
import io.recsys.models.ranking.GbdtRanker;
import io.recsys.models.training.BundleTrainer;
import io.recsys.models.training.FmReranker;
import io.recsys.schema.event.ItemAttributes;
import io.recsys.schema.feature.FeatureRegistry;
import io.recsys.store.FeatureStore;
import io.recsys.store.FeatureStores;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;

@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a model bundle from the logged events (the Kafka events topic) joined with the feature"
                + " store's point-in-time features: embeddings from the feedback before --until, GBDT and reranker"
                + " on the lists shown in [--from, --until). Writes BUNDLES/VERSION and, with --promote, makes it"
                + " current (a running API picks it up with POST /v1/models/reload).")
final class TrainCommand implements Callable<Integer> {

    @Option(names = "--bundles", description = "Bundle directory (default: DATA_DIR/bundles).")
    Path bundles;

    @Option(names = "--from", description = "Start of the ranking training range, ISO-8601 (default: --until minus"
            + " 7 days).")
    String from;

    @Option(names = "--until", description = "End of the training range, exclusive, ISO-8601 (default: now).")
    String until;

    @Option(names = "--version", description = "Bundle version (default: train-UNTIL).")
    String version;

    @Option(names = "--promote", description = "Make the new bundle the current one.")
    boolean promote;

    @Mixin
    Environment environment;

    @ArgGroup(exclusive = false)
    Environment.KafkaOption kafka = new Environment.KafkaOption();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        long untilMillis = until == null ? System.currentTimeMillis() : instant("--until", until);
        long fromMillis = from == null ? untilMillis - Duration.ofDays(7).toMillis() : instant("--from", from);
        if (fromMillis >= untilMillis) {
            throw new ParameterException(spec.commandLine(), "--from must be before --until");
        }
        Path root = bundles == null ? environment.dataDir.resolve("bundles") : bundles;
        String name = version != null ? version
                : "train-" + Instant.ofEpochMilli(untilMillis).toString().replace(":", "").replace(".", "");
        FeatureRegistry registry = FeatureRegistry.load();
        KafkaEventLog.Read log;
        try (EmbeddedKafka embedded = kafka.startEmbeddedUnlessExternal(environment.dataDir)) {
            try (KafkaEventLog events = KafkaEventLog.open(kafka.connection(embedded), Topics.EVENTS);
                 ProgressBar bar = ConsoleProgress.bar("read event log", events.records())) {
                log = events.read(untilMillis, bar::stepTo);
            }
        }
        System.err.printf("read %d records: %d events before %s, %d refused as invalid, %d duplicate ids%n",
                log.records(), log.events().size(), Instant.ofEpochMilli(untilMillis), log.refused(),
                log.duplicates());
        Path written;
        try (FeatureStore store = FeatureStores.open(environment.storeUrl(), registry);
             ConsoleProgress progress = new ConsoleProgress()) {
            written = EventLogTraining.train(log.events(), EventLogTraining.categories(store.catalogue(), log.events()),
                    store.offline(), registry, root, name, fromMillis, untilMillis, Map.of(), progress);
        }
        if (promote) {
            new BundleRegistry(root).promote(name);
        }
        System.out.println(written + (promote ? " (current)" : ""));
        return 0;
    }

    private long instant(String option, String value) {
        try {
            return Instant.parse(value).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new ParameterException(spec.commandLine(), option + " must be an ISO-8601 instant such as"
                    + " 2019-11-13T00:00:00Z, got '" + value + "'");
        }
    }
}
