package io.recsys.models.training;

import io.recsys.models.ranking.GbdtRanker;
import io.recsys.models.ranking.HeadReranking;
import io.recsys.models.ranking.OnnxReranker;
import io.recsys.models.ranking.RankingFeatures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class RerankerTest {

    private static final RankingTrainer.Models MODELS = RankingTrainer.train(RankingFeatures.all().names(),
            SyntheticLists.generate(300, 20, 3), GbdtRanker.Params.DEFAULT, FmReranker.Params.DEFAULT, 0.3);

    @Test
    void onnxRuntimeGivesTheSameScoresAsTheJavaTwin(@TempDir Path dir) throws Exception {
        MODELS.reranker().export(dir.resolve("r.onnx"), dir.resolve("r.json"), 1);
        double[][] rows = SyntheticLists.rows(SyntheticLists.generate(5, 20, 99));
        double[] gbdt = MODELS.gbdt().score(rows);

        try (OnnxReranker onnx = OnnxReranker.load(dir.resolve("r.onnx"), dir.resolve("r.json"),
                RankingFeatures.all().names())) {
            double[] served = onnx.score(rows, gbdt);
            double[] twin = MODELS.reranker().score(rows, gbdt);
            for (int i = 0; i < rows.length; i++) {
                assertThat(served[i]).isCloseTo(twin[i], within(1e-5));
            }
        }
    }

    @Test
    void flatTreesGiveTheSameProbabilitiesAsXgboost() {
        double[][] rows = SyntheticLists.rows(SyntheticLists.generate(10, 20, 77));
        rows[0][3] = 0.0;
        rows[1][4] = Double.NaN;
        double[] java = MODELS.gbdt().score(rows);
        double[] xgboost = MODELS.gbdt().scoreWithXgboost(rows);
        for (int i = 0; i < rows.length; i++) {
            assertThat(java[i]).isCloseTo(xgboost[i], within(1e-5));
        }
    }

    @Test
    void gbdtLearnsTheSignalItWasGiven() {
        double[][] rows = SyntheticLists.rows(SyntheticLists.generate(1, 2, 5));
        int ctr = RankingFeatures.all().names().indexOf("item.ctr_all");
        rows[0][ctr] = 0.05;
        rows[1][ctr] = 0.95;
        double[] scores = MODELS.gbdt().score(rows);
        assertThat(scores[1]).isGreaterThan(scores[0]);
    }

    @Test
    void anExternalModelReadingAFeatureThisBuildDoesNotComputeIsRefused(@TempDir Path dir) throws Exception {
        MODELS.reranker().export(dir.resolve("r.onnx"), dir.resolve("r.json"), 1);
        OnnxReranker.writeSidecar(new OnnxReranker.Sidecar(List.of("item.ctr_all", "item.sentiment"), "input",
                "output", 1, 0.0), dir.resolve("external.json"));

        assertThatThrownBy(() -> OnnxReranker.load(dir.resolve("r.onnx"), dir.resolve("external.json"),
                RankingFeatures.all().names()))
                .isInstanceOf(IOException.class).hasMessageContaining("'item.sentiment'");
    }

    @Test
    void aSidecarNamingAnInputTheModelLacksIsRefused(@TempDir Path dir) throws Exception {
        MODELS.reranker().export(dir.resolve("r.onnx"), dir.resolve("r.json"), 1);
        String sidecar = Files.readString(dir.resolve("r.json")).replace("\"input\"", "\"features\"");
        Files.writeString(dir.resolve("renamed.json"), sidecar);

        assertThatThrownBy(() -> OnnxReranker.load(dir.resolve("r.onnx"), dir.resolve("renamed.json"),
                RankingFeatures.all().names()))
                .isInstanceOf(IOException.class).hasMessageContaining("no input 'features'");
    }

    @Test
    void headRerankingOnlyReordersTheGbdtTop() {
        double[] gbdt = {0.9, 0.8, 0.1, 0.2};
        double[] rerank = {0.1, 0.7, 0.99, 0.5};
        double[] scores = HeadReranking.finalScores(gbdt, rerank, 2);
        assertThat(scores[1]).isGreaterThan(scores[0]);
        assertThat(scores[0]).isGreaterThan(scores[3]).isGreaterThan(scores[2]);
    }
}
