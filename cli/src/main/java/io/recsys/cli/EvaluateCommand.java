package io.recsys.cli;

import io.recsys.datasets.Dataset;
import io.recsys.datasets.Datasets;
import io.recsys.jobs.features.FeatureJobRunner;
import io.recsys.models.evaluation.EvaluationResult;
import io.recsys.models.evaluation.ReportWriter;
import io.recsys.models.evaluation.mind.MindEvaluation;
import io.recsys.models.evaluation.movielens.MovieLensEvaluation;
import io.recsys.models.evaluation.trivago.TrivagoEvaluation;
import io.recsys.models.retrieval.HnswIndex;
import io.recsys.models.training.BundleTrainer;
import io.recsys.schema.feature.FeatureRegistry;
import io.recsys.store.FeatureStore;
import io.recsys.store.FeatureStores;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Offline evaluation on public data: the system beside its baselines, as OUT/metrics.json and"
                + " OUT/report.html.",
        subcommands = {EvaluateCommand.Mind.class, EvaluateCommand.MovieLens.class, EvaluateCommand.Trivago.class})
final class EvaluateCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "mind", mixinStandardHelpOptions = true,
            description = "Replay the MIND log through the feature job, train on the days before --test-day, score"
                    + " each test-day impression with features as of its own time.")
    static final class Mind implements Callable<Integer> {

        @Option(names = "--path", required = true, description = "MIND directory (behaviors.tsv, news.tsv).")
        Path path;

        @Option(names = "--test-day", required = true, description = "UTC day to test on, YYYY-MM-DD.")
        String testDay;

        @Option(names = "--out", required = true, description = "Directory for metrics.json, report.html and the"
                + " trained bundle.")
        Path out;

        @Option(names = "--data-dir", description = "Embedded store, Kafka and checkpoints (default: OUT/data).")
        Path dataDir;

        @Option(names = "--store", description = "Feature store JDBC URL (default: the embedded store).")
        String store;

        @ArgGroup(exclusive = false)
        Environment.KafkaOption kafka = new Environment.KafkaOption();

        @Override
        public Integer call() throws Exception {
            LocalDate day;
            try {
                day = LocalDate.parse(testDay);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("--test-day must be YYYY-MM-DD, got '" + testDay + "'");
            }
            Path data = dataDir == null ? out.resolve("data") : dataDir;
            String storeUrl = FeatureStores.urlOrEmbedded(store, data);
            Dataset dataset = Datasets.read("mind", path);
            DatasetReplay.run(dataset, data, storeUrl, kafka, 2, 0, FeatureJobRunner.local(0));
            FeatureRegistry registry = FeatureRegistry.load();
            Files.createDirectories(out);
            MindEvaluation.Outcome outcome;
            try (FeatureStore features = FeatureStores.open(storeUrl, registry);
                 ConsoleProgress progress = new ConsoleProgress()) {
                outcome = MindEvaluation.run(path, dataset, features.offline(), MindEvaluation.Settings.defaults(day),
                        Files.createTempDirectory("recsys-reranker-"), progress);
            }
            ReportWriter.write(outcome.result(), out);
            Map<String, Object> metrics = new LinkedHashMap<>(outcome.result().system());
            Path bundle = BundleTrainer.write(outcome.trained(), out.resolve("bundles"),
                    "mind-" + day + "-" + System.currentTimeMillis(), "mind", registry,
                    MindEvaluation.Settings.defaults(day).rerankHead(), outcome.trainFrom(), outcome.trainUntil(),
                    metrics);
            System.out.println(Files.readString(out.resolve("metrics.json")));
            System.err.println("wrote " + out.resolve("metrics.json") + ", " + out.resolve("report.html")
                    + " and the bundle " + bundle);
            return 0;
        }
    }

    @Command(name = "movielens", mixinStandardHelpOptions = true,
            description = "Per-user temporal split of MovieLens-100K: retrieval through the ANN index beside"
                    + " popularity baselines.")
    static final class MovieLens implements Callable<Integer> {

        @Option(names = "--path", required = true, description = "MovieLens-100K directory (u.data).")
        Path path;

        @Option(names = "--out", required = true, description = "Directory for metrics.json and report.html.")
        Path out;

        @Option(names = "--data-dir", description = "Working directory (default: OUT/data); nothing is kept there"
                + " between runs.")
        Path dataDir;

        @Override
        public Integer call() throws Exception {
            MovieLensEvaluation evaluation = new MovieLensEvaluation(
                    items -> HnswIndex.build(items, HnswIndex.Params.defaults()));
            EvaluationResult result = evaluation.run(path, line -> System.err.println(line));
            ReportWriter.write(result, out);
            System.out.println(Files.readString(out.resolve("metrics.json")));
            System.err.println("wrote " + out.resolve("metrics.json") + " and " + out.resolve("report.html"));
            return 0;
        }
    }

    @Command(name = "trivago", mixinStandardHelpOptions = true,
            description = "Replay trivago's session log in time order, train on the lists before --test-from, score"
                    + " each later clickout's list with features as of its own time.")
    static final class Trivago implements Callable<Integer> {

        @Option(names = "--path", required = true, description = "trivago directory (sessions.csv).")
        Path path;

        @Option(names = "--test-from", required = true, description = "First instant of the test part, ISO-8601"
                + " (e.g. 2018-11-07T18:00:00Z).")
        String testFrom;

        @Option(names = "--out", required = true, description = "Directory for metrics.json and report.html.")
        Path out;

        @Override
        public Integer call() throws Exception {
            Instant from;
            try {
                from = Instant.parse(testFrom);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("--test-from must be an ISO-8601 instant such as"
                        + " 2018-11-07T18:00:00Z, got '" + testFrom + "'");
            }
            EvaluationResult result = TrivagoEvaluation.run(path, TrivagoEvaluation.Settings.defaults(from),
                    System.err::println);
            ReportWriter.write(result, out);
            System.out.println(Files.readString(out.resolve("metrics.json")));
            System.err.println("wrote " + out.resolve("metrics.json") + " and " + out.resolve("report.html"));
            return 0;
        }
    }
}
