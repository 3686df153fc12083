package io.recsys.models.ranking;

import io.recsys.schema.feature.EntityKey;
import io.recsys.schema.feature.FeatureVector;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class RankingFeaturesTest {

    private static final SplittableRandom RANDOM = new SplittableRandom(5);

    private static FeatureVector item(String id) {
        return new FeatureVector(EntityKey.item(id), 0, Map.ofEntries(
                Map.entry("impressions_short", RANDOM.nextInt(10)), Map.entry("clicks_short", RANDOM.nextInt(3)),
                Map.entry("impressions_1h", RANDOM.nextInt(50)), Map.entry("clicks_1h", RANDOM.nextInt(5)),
                Map.entry("impressions_24h", RANDOM.nextInt(500)), Map.entry("clicks_24h", RANDOM.nextInt(50)),
                Map.entry("views_24h", RANDOM.nextInt(20)), Map.entry("ctr_1h", RANDOM.nextDouble()),
                Map.entry("ctr_24h", RANDOM.nextDouble()), Map.entry("ctr_all", RANDOM.nextDouble()),
                Map.entry("debiased_ctr_24h", RANDOM.nextDouble()), Map.entry("trend", RANDOM.nextDouble() - 0.5),
                Map.entry("age_hours", RANDOM.nextInt(4) == 0 ? -1.0 : RANDOM.nextDouble() * 100),
                Map.entry("popularity", RANDOM.nextDouble() * 10)));
    }

    private static FeatureVector userCategory(String category) {
        return new FeatureVector(EntityKey.userCategory("u1", category), 0, Map.of(
                "impressions_24h", RANDOM.nextInt(30), "ctr_24h", RANDOM.nextDouble(), "ctr_all", RANDOM.nextDouble()));
    }

    @Test
    void rowsOfOneUsersCandidatesEqualTheRowsComputedColumnByColumn() {
        FeatureVector user = new FeatureVector(EntityKey.user("u1"), 0, Map.of("clicks_1h", 2, "clicks_24h", 7,
                "views_24h", 3, "clicks_all", 40, "recent_items", List.of(Map.of("item_id", "i1")),
                "category_affinity", Map.of("news", 0.75, "sports", 0.25)));
        FeatureVector global = new FeatureVector(EntityKey.GLOBAL, 0, Map.of("ctr_1h", 0.04, "ctr_24h", 0.05));
        Map<String, FeatureVector> userCategories = Map.of("news", userCategory("news"),
                "sports", userCategory("sports"), "music", userCategory("music"));
        List<String> categories = new ArrayList<>(List.of("news", "sports", "music", "film"));
        categories.add(null);
        List<CandidateFeatures> candidates = new ArrayList<>();
        for (int i = 0; i < 97; i++) {
            String category = categories.get(RANDOM.nextInt(categories.size()));
            candidates.add(new CandidateFeatures(item("i" + i), user, category == null ? null
                    : userCategories.get(category), global, category, i % 7 == 0 ? Double.NaN : RANDOM.nextDouble()));
        }
        List<String> names = new ArrayList<>(RankingFeatures.all().names());
        Collections.shuffle(names, new java.util.Random(9));
        for (RankingFeatures spec : List.of(RankingFeatures.all(), RankingFeatures.of(names),
                RankingFeatures.of(names.subList(0, 11)))) {
            RankingFeatures.Rows rows = spec.rows(user, global);
            double[][] expected = spec.vectors(candidates);
            for (int r = 0; r < candidates.size(); r++) {
                CandidateFeatures c = candidates.get(r);
                assertThat(rows.row(spec.itemValues(c.item()), c.userCategory(), c.itemCategory(),
                        c.retrievalScore())).as("row %d of %s", r, spec.names()).containsExactly(expected[r]);
            }
        }
    }
}
