package io.recsys.api.serving.ranking;

import io.recsys.api.serving.ApiMetrics;
import io.recsys.api.serving.ErrorKind;
import io.recsys.models.bundle.ModelBundle;
import io.recsys.models.training.SyntheticBundles;
import io.recsys.schema.feature.FeatureRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The head rerank and its fallbacks, with a real bundle's GBDT and ONNX reranker. */
class HeadRerankTest {

    private static final FeatureRegistry REGISTRY = FeatureRegistry.load();

    @TempDir
    static Path bundles;
    private static ModelBundle bundle;
    /** The same bundle, closed: its ONNX session refuses to run, as a retired bundle's would. */
    private static ModelBundle closed;

    private final ApiMetrics metrics = new ApiMetrics();

    @BeforeAll
    static void loadBundle() throws Exception {
        Path directory = SyntheticBundles.write(bundles, "v1", 1, REGISTRY.version());
        bundle = ModelBundle.load(directory, REGISTRY);
        closed = ModelBundle.load(directory, REGISTRY);
        closed.close();
    }

    @AfterAll
    static void closeBundle() throws Exception {
        bundle.close();
    }

    /** {@code n} candidates with random feature columns and the bundle's GBDT scores, as the earlier stages leave them. */
    private static RankingRequest scored(ModelBundle bundle, int n) {
        RankingRequest request = new RankingRequest("u1", 5, Set.of(), bundle);
        SplittableRandom random = new SplittableRandom(n);
        request.itemIds = IntStream.range(0, n).mapToObj(i -> "i" + i).toList();
        request.columns = new float[bundle.features().size()][n];
        for (float[] column : request.columns) {
            for (int i = 0; i < n; i++) {
                column[i] = random.nextInt(20);
            }
        }
        request.gbdtScores = bundle.gbdt().score(request.columns, n);
        return request;
    }

    private double rerankErrors() {
        return metrics.errors.labels(ErrorKind.RERANK.label()).get();
    }

    @Test
    void theGbdtsHeadIsRerankedAboveTheTailWhichKeepsItsGbdtScores() {
        RankingRequest request = scored(bundle, 23);

        int reranked = new HeadRerank(5, metrics).run(request);

        assertThat(reranked).isEqualTo(5);
        int[] head = TopIndices.of(request.gbdtScores, 5);
        for (int i = 0; i < 23; i++) {
            int candidate = i;
            if (IntStream.of(head).anyMatch(h -> h == candidate)) {
                assertThat(request.rerankScores[i]).isBetween(0.0, 1.0);
                assertThat(request.finalScores[i]).isEqualTo(1 + request.rerankScores[i]);
            } else {
                assertThat(request.rerankScores[i]).isNaN();
                assertThat(request.finalScores[i]).isEqualTo(request.gbdtScores[i]);
            }
        }
        assertThat(request.degradedReasons()).isEmpty();
        assertThat(rerankErrors()).isZero();
    }

    @Test
    void aHeadLongerThanTheListReranksEveryCandidate() {
        RankingRequest request = scored(bundle, 3);

        assertThat(new HeadRerank(20, metrics).run(request)).isEqualTo(3);
        assertThat(request.rerankScores).doesNotContain(Double.NaN);
        assertThat(Arrays.stream(request.finalScores).min().orElseThrow()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void aHeadOfZeroKeepsTheGbdtOrderAndIsNoFailure() {
        RankingRequest request = scored(bundle, 23);

        assertThat(new HeadRerank(0, metrics).run(request)).isZero();
        assertThat(request.finalScores).isSameAs(request.gbdtScores);
        assertThat(request.rerankScores).as("explain shows no rerank score").isNull();
        assertThat(request.degradedReasons()).isEmpty();
        assertThat(rerankErrors()).isZero();
    }

    @Test
    void noCandidatesAskTheRerankerNothing() {
        RankingRequest request = scored(closed, 0);

        assertThat(new HeadRerank(20, metrics).run(request)).isZero();
        assertThat(request.finalScores).isEmpty();
        assertThat(request.degradedReasons()).as("the closed reranker was never asked").isEmpty();
    }

    @Test
    void aFailingRerankerLeavesTheGbdtOrderSaysRerankSkippedAndIsCounted() {
        RankingRequest request = scored(closed, 23);
        double[] gbdt = request.gbdtScores.clone();

        int reranked = new HeadRerank(5, metrics).run(request);

        assertThat(reranked).as("the head it tried to rerank is still counted").isEqualTo(5);
        assertThat(request.finalScores).isSameAs(request.gbdtScores);
        assertThat(request.finalScores).containsExactly(gbdt);
        assertThat(request.rerankScores).isNull();
        assertThat(request.degradedReasons()).singleElement().asString().startsWith("rerank skipped: ");
        assertThat(rerankErrors()).isEqualTo(1);
    }
}
