package io.recsys.models.training;

import io.recsys.models.ranking.RankingFeatures;
import io.recsys.models.ranking.RetrievalScorer;
import io.recsys.schema.feature.Counters;
import io.recsys.schema.feature.EntityType;
import io.recsys.schema.feature.FeatureRegistry;
import io.recsys.schema.feature.FeatureRow;
import io.recsys.schema.feature.Interaction;
import io.recsys.store.FeatureStore;
import io.recsys.store.FeatureStores;
import io.recsys.store.testing.TestDatabases;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class PointInTimeJoinTest {

    private static final long HOUR = 3_600_000L;
    private static final long T = 1_700_000_000_000L;

    private static FeatureRow item(long ts, long impressions, long clicks) {
        return new FeatureRow(EntityType.ITEM, "i1", ts,
                new Counters(impressions, clicks, 0, 0, 0, impressions, clicks, T - 2 * HOUR));
    }

    @Test
    void aTrainingRowNeverSeesEventsAtOrAfterItsImpressionTime() {
        FeatureRegistry registry = FeatureRegistry.load();
        try (FeatureStore store = FeatureStores.open(TestDatabases.freshH2(), registry)) {
            store.writer().write(List.of(
                    item(T - 2 * HOUR, 10, 1),
                    // the click of the very impression being labelled, and everything after it: a leak if seen
                    item(T, 11, 5),
                    item(T + HOUR, 20, 10),
                    new FeatureRow(EntityType.USER, "u1", T, new Counters(0, 1, 0, 0, 0, 0, 1, T))),
                    List.of(new Interaction("u1", T, "i1", "click")), List.of());
            RankingFeatures features = RankingFeatures.all();
            PointInTimeJoin join = new PointInTimeJoin(store.offline(), features, Map.of());
            ImpressionGroup group = new ImpressionGroup("r1", "u1", T, List.of("i1"), new boolean[]{true});

            double[] row = join.candidates(group, RetrievalScorer.NONE)[0];

            assertThat(row[features.names().indexOf("item.clicks_24h")]).isEqualTo(Math.log1p(1));
            assertThat(row[features.names().indexOf("item.impressions_24h")]).isEqualTo(Math.log1p(10));
            assertThat(row[features.names().indexOf("user.clicks_all")]).isZero();
            assertThat(row[features.names().indexOf("user.recent_items")]).isZero();

            ImpressionGroup later = new ImpressionGroup("r2", "u1", T + 1, List.of("i1"), new boolean[]{false});
            double[] laterRow = join.candidates(later, RetrievalScorer.NONE)[0];
            assertThat(laterRow[features.names().indexOf("item.clicks_24h")]).isEqualTo(Math.log1p(5));
            assertThat(laterRow[features.names().indexOf("user.recent_items")]).isEqualTo(1.0);
        }
    }
}
