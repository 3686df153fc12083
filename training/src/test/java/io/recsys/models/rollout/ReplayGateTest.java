package io.recsys.models.rollout;

import io.recsys.models.bundle.ModelBundle;
import io.recsys.models.ranking.GbdtRanker;
import io.recsys.models.ranking.RankingFeatures;
import io.recsys.models.ranking.RetrievalScorer;
import io.recsys.models.training.BundleWriter;
import io.recsys.models.training.FmReranker;
import io.recsys.models.training.ImpressionGroup;
import io.recsys.models.training.PointInTimeJoin.LabeledGroup;
import io.recsys.models.training.PointInTimeJoin;
import io.recsys.models.training.RankingTrainer;
import io.recsys.schema.feature.Counters;
import io.recsys.schema.feature.EntityType;
import io.recsys.schema.feature.FeatureRegistry;
import io.recsys.schema.feature.FeatureRow;
import io.recsys.store.FeatureStore;
import io.recsys.store.FeatureStores;
import io.recsys.store.testing.TestDatabases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Items whose clicks follow their logged CTR; a bundle trained on the real labels, and one trained on the same
 * lists with the labels shuffled (it learned nothing), ranked by the gate on later lists neither trained on.
 */
class ReplayGateTest {

    private static final FeatureRegistry REGISTRY = FeatureRegistry.load();
    private static final long T = 1_700_000_000_000L;
    private static final int ITEMS = 40;

    @TempDir
    static Path root;
    private static FeatureStore store;
    private static PointInTimeJoin join;
    private static ModelBundle good;
    private static ModelBundle shuffled;
    private static List<ImpressionGroup> recent;

    private static double trueCtr(int item) {
        return 0.01 + 0.3 * item / ITEMS;
    }

    @BeforeAll
    static void trainTwoBundles() throws Exception {
        store = FeatureStores.open(TestDatabases.freshH2(), REGISTRY);
        List<FeatureRow> rows = new ArrayList<>();
        for (int i = 0; i < ITEMS; i++) {
            long clicks = Math.round(1_000 * trueCtr(i));
            rows.add(new FeatureRow(EntityType.ITEM, "i" + i, T - 3_600_000L,
                    new Counters(1_000, clicks, 0, 0, 0, 1_000, clicks, T - 7_200_000L)));
        }
        store.writer().write(rows, List.of(), List.of());
        join = new PointInTimeJoin(store.offline(), RankingFeatures.all(), Map.of());
        SplittableRandom random = new SplittableRandom(17);
        List<LabeledGroup> training = join.join(lists(random, 400, T), RetrievalScorer.NONE, done -> {
        });
        good = train("good", training);
        shuffled = train("shuffled", shuffleLabels(training, random));
        recent = lists(random, 400, T + 600_000L);
    }

    @AfterAll
    static void close() throws Exception {
        good.close();
        shuffled.close();
        store.close();
    }

    private static List<ImpressionGroup> lists(SplittableRandom random, int count, long from) {
        List<ImpressionGroup> lists = new ArrayList<>();
        for (int l = 0; l < count; l++) {
            List<String> items = new ArrayList<>();
            boolean[] clicked = new boolean[10];
            for (int p = 0; p < 10; p++) {
                int item = random.nextInt(ITEMS);
                items.add("i" + item);
                clicked[p] = random.nextDouble() < trueCtr(item);
            }
            lists.add(new ImpressionGroup("r" + from + "-" + l, "u" + l, from + l, items, clicked));
        }
        return lists;
    }

    private static List<LabeledGroup> shuffleLabels(List<LabeledGroup> lists, SplittableRandom random) {
        List<Boolean> labels = new ArrayList<>(RankingTrainer.labels(lists));
        for (int i = labels.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            labels.set(i, labels.set(j, labels.get(i)));
        }
        List<LabeledGroup> shuffled = new ArrayList<>();
        int next = 0;
        for (LabeledGroup list : lists) {
            boolean[] clicked = new boolean[list.features().length];
            for (int i = 0; i < clicked.length; i++) {
                clicked[i] = labels.get(next++);
            }
            ImpressionGroup group = list.group();
            shuffled.add(new LabeledGroup(new ImpressionGroup(group.requestId(), group.userId(), group.time(),
                    group.items(), clicked), list.features()));
        }
        return shuffled;
    }

    private static ModelBundle train(String version, List<LabeledGroup> lists) throws Exception {
        RankingTrainer.Models models = RankingTrainer.train(RankingFeatures.all().names(), lists,
                GbdtRanker.Params.DEFAULT, FmReranker.Params.DEFAULT, 0.3);
        Path dir = BundleWriter.write(root, new BundleWriter.Description(version, "synthetic", REGISTRY.version(),
                RankingFeatures.all().names(), 5, T, T + 1, Map.of()), models);
        return ModelBundle.load(dir, REGISTRY);
    }

    @Test
    void aCandidateTrainedOnShuffledLabelsIsStopped() throws Exception {
        ReplayGate.Result result = ReplayGate.DEFAULT.check(shuffled, good, recent, join);

        assertThat(result.passed()).as(result.reason()).isFalse();
        assertThat(result.reason()).contains("worse than serving");
        assertThat(result.serving().get("auc")).as("the real bundle learned the CTR").isGreaterThan(0.65);
    }

    @Test
    void aCandidateAsGoodAsServingOrBetterGoesOn() throws Exception {
        assertThat(ReplayGate.DEFAULT.check(good, good, recent, join).passed()).isTrue();

        ReplayGate.Result better = ReplayGate.DEFAULT.check(good, shuffled, recent, join);

        assertThat(better.passed()).as(better.reason()).isTrue();
        assertThat(better.lists()).isGreaterThan(100);
    }

    /**
     * The recent lists' orders are uniformly random (as if every head were explored, propensity 1/10 everywhere) and
     * their clicks do not depend on the position, so any ordering's estimated clicks per list must match the clicks
     * the log got.
     */
    @Test
    void exploredListsGetEachBundlesClicksEstimatedOffPolicyBesideTheGate() throws Exception {
        Map<String, double[]> explored = new java.util.HashMap<>();
        double clicks = 0;
        for (ImpressionGroup list : recent) {
            double[] propensities = new double[list.items().size()];
            java.util.Arrays.fill(propensities, 1.0 / propensities.length);
            explored.put(list.requestId(), propensities);
            clicks += list.clicks();
        }
        double logged = clicks / recent.size();

        ReplayGate.Result result = ReplayGate.DEFAULT.check(good, shuffled, recent, join, explored);

        assertThat(result.offPolicy()).containsEntry("explored_lists", (long) recent.size());
        assertThat((Double) result.offPolicy().get("candidate_clicks_per_list")).isCloseTo(logged,
                org.assertj.core.api.Assertions.within(0.2 * logged));
        assertThat((Double) result.offPolicy().get("serving_clicks_per_list")).isCloseTo(logged,
                org.assertj.core.api.Assertions.within(0.2 * logged));
    }

    @Test
    void listsWithNothingToCompareFailTheGate() throws Exception {
        ImpressionGroup unclicked = new ImpressionGroup("r", "u", T + 1, List.of("i1", "i2"),
                new boolean[]{false, false});

        ReplayGate.Result result = ReplayGate.DEFAULT.check(good, good, List.of(unclicked), join);

        assertThat(result.passed()).isFalse();
        assertThat(result.reason()).contains("no recent list");
    }
}
