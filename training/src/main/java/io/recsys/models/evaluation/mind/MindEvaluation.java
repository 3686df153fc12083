package io.recsys.models.evaluation.mind;

import ai.onnxruntime.OrtException;
import io.recsys.datasets.Dataset;
import io.recsys.datasets.MindDataset.MindImpression;
import io.recsys.datasets.MindDataset;
import io.recsys.models.evaluation.EvaluationResult.ScoreSample;
import io.recsys.models.evaluation.EvaluationResult;
import io.recsys.models.evaluation.ImpressionMetrics;
import io.recsys.models.ranking.GbdtRanker;
import io.recsys.models.ranking.HeadReranking;
import io.recsys.models.ranking.OnnxReranker;
import io.recsys.models.ranking.RankingFeatures;
import io.recsys.models.ranking.RetrievalScorer;
import io.recsys.models.training.BundleTrainer;
import io.recsys.models.training.FmReranker;
import io.recsys.models.training.ImpressionGroup;
import io.recsys.models.training.ImpressionLog;
import io.recsys.models.training.PointInTimeJoin;
import io.recsys.models.training.RankingTrainer;
import io.recsys.progress.Progress;
import io.recsys.schema.event.ItemAttributes;
import io.recsys.store.OfflineStore;

import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * MIND's time-ordered protocol: the log has already been replayed through the feature job into {@code store}; the
 * ranking models train on the lists shown before the test day, joined with features as of each list's time; each
 * test-day list is then scored with features as of its own time, through the same GBDT → ONNX path the API serves.
 */
public final class MindEvaluation {

    private static final long DAY = 86_400_000L;

    public record Settings(LocalDate testDay, GbdtRanker.Params gbdt, FmReranker.Params reranker, int rerankHead,
                           double rerankShare, long seed) {
        public static Settings defaults(LocalDate testDay) {
            return new Settings(testDay, GbdtRanker.Params.DEFAULT, FmReranker.Params.DEFAULT, 10, 0.25, 1L);
        }
    }

    /** The evaluation's numbers and the models it trained (for a bundle). */
    public record Outcome(EvaluationResult result, BundleTrainer.Trained trained, long trainFrom, long trainUntil) {
    }

    private MindEvaluation() {
    }

    public static Outcome run(Path mindDirectory, Dataset dataset, OfflineStore store, Settings settings,
                              Path rerankerDirectory, Progress progress) throws IOException, OrtException {
        long testStart = settings.testDay().atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
        long testEnd = testStart + DAY;
        List<MindImpression> lines = MindDataset.readImpressions(mindDirectory);
        if (lines.stream().noneMatch(l -> l.time() >= testStart && l.time() < testEnd)) {
            throw new IllegalArgumentException("the MIND log in " + mindDirectory + " has no impressions on "
                    + settings.testDay());
        }
        List<ImpressionGroup> testGroups = ImpressionLog.groups(dataset.events(), testStart, testEnd);
        Map<String, String> categories = new HashMap<>();
        for (ItemAttributes item : dataset.catalogue()) {
            categories.put(item.itemId(), item.category());
        }
        long started = System.nanoTime();
        BundleTrainer.Trained trained = BundleTrainer.train(dataset.events(), categories, Long.MIN_VALUE, testStart,
                store, settings.gbdt(), settings.reranker(), settings.rerankShare(), progress);
        double trainSeconds = (System.nanoTime() - started) / 1e9;
        RankingTrainer.Models models = trained.ranking();
        RankingFeatures features = trained.features();
        PointInTimeJoin join = new PointInTimeJoin(store, features, categories);
        RetrievalScorer retrieval = trained.retrieval().scorer();
        Path onnx = rerankerDirectory.resolve("reranker.onnx");
        Path sidecar = rerankerDirectory.resolve("reranker.json");
        models.reranker().export(onnx, sidecar, 1);

        ImpressionMetrics system = new ImpressionMetrics();
        ImpressionMetrics gbdtOnly = new ImpressionMetrics();
        List<Double> positives = new ArrayList<>();
        List<Double> negatives = new ArrayList<>();
        progress.stage("score test day", testGroups.size());
        int scored = 0;
        try (OnnxReranker reranker = OnnxReranker.load(onnx, sidecar, features.names())) {
            for (ImpressionGroup group : testGroups) {
                double[][] rows = join.candidates(group, retrieval);
                double[] gbdtScores = models.gbdt().score(rows);
                double[] scores = HeadReranking.finalScores(gbdtScores, reranker.score(rows, gbdtScores),
                        settings.rerankHead());
                if (system.add(scores, group.clicked())) {
                    gbdtOnly.add(gbdtScores, group.clicked());
                    for (int i = 0; i < gbdtScores.length; i++) {
                        (group.clicked()[i] ? positives : negatives).add(gbdtScores[i]);
                    }
                }
                progress.done(++scored);
            }
        }

        Map<String, Map<String, Double>> baselines = new LinkedHashMap<>();
        MindBaselines.evaluate(lines, testStart, testEnd, settings.seed())
                .forEach((name, metrics) -> baselines.put(name, metrics.summary()));
        baselines.put("gbdt_only", gbdtOnly.summary());
        Map<String, Object> notes = new LinkedHashMap<>();
        notes.put("test_day", settings.testDay().toString());
        notes.put("training_lists", trained.training().size());
        notes.put("training_rows", models.trainingRows());
        notes.put("test_lists", testGroups.size());
        notes.put("ranking_features", features.names());
        notes.put("gbdt", settings.gbdt());
        notes.put("reranker", settings.reranker());
        notes.put("rerank_head", settings.rerankHead());
        notes.put("training_seconds", trainSeconds);
        notes.put("embedding_items", trained.embeddings().itemEmbeddings().size());
        EvaluationResult result = new EvaluationResult("mind", system.summary(), baselines,
                Map.of("system (GBDT probability)", new ScoreSample(positives, negatives)),
                models.gbdt().importance(), notes);
        return new Outcome(result, trained, trained.training().get(0).group().time(), testStart);
    }
}
