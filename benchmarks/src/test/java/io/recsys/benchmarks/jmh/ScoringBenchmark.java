package io.recsys.benchmarks.jmh;

import io.recsys.models.ranking.GbdtRanker;
import io.recsys.models.ranking.OnnxReranker;
import io.recsys.models.ranking.RankingFeatures;
import io.recsys.models.training.FmReranker;
import io.recsys.models.training.RankingTrainer;
import io.recsys.models.training.SyntheticLists;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Scoring one request's candidates (a batch of 500) with the production models' shapes: the GBDT walked as flat
 * arrays (what the API does), the same GBDT through XGBoost's own predict (a DMatrix per call), and the ONNX
 * reranker through ONNX Runtime. Run: see docs/benchmarks.md.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ScoringBenchmark {

    private GbdtRanker gbdt;
    private OnnxReranker onnx;
    private double[][] batch;
    private double[] gbdtScores;

    @Setup(Level.Trial)
    public void train() throws Exception {
        RankingTrainer.Models models = RankingTrainer.train(RankingFeatures.all().names(),
                SyntheticLists.generate(2_000, 20, 1), GbdtRanker.Params.DEFAULT, FmReranker.Params.DEFAULT, 0.25);
        gbdt = models.gbdt();
        Path dir = Files.createTempDirectory("scoring-bench");
        models.reranker().export(dir.resolve("r.onnx"), dir.resolve("r.json"), 1);
        onnx = OnnxReranker.load(dir.resolve("r.onnx"), dir.resolve("r.json"), RankingFeatures.all().names());
        batch = SyntheticLists.rows(SyntheticLists.generate(25, 20, 2));
        gbdtScores = gbdt.score(batch);
    }

    @TearDown(Level.Trial)
    public void close() throws Exception {
        onnx.close();
    }

    @Benchmark
    public double[] gbdtFlatTrees500() {
        return gbdt.score(batch);
    }

    @Benchmark
    public double[] gbdtXgboostPredict500() {
        return gbdt.scoreWithXgboost(batch);
    }

    @Benchmark
    public double[] onnxRerank500() throws Exception {
        return onnx.score(batch, gbdtScores);
    }
}
