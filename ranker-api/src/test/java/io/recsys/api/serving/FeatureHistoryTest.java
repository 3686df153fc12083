package io.recsys.api.serving;

import io.recsys.schema.feature.EntityKey;
import io.recsys.schema.feature.FeatureVector;
import io.recsys.store.OfflineStore;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FeatureHistoryTest {

    /** Answers each read with clicks_1h equal to the read's second, and remembers the instants asked for. */
    private static final class CountingStore implements OfflineStore {
        final List<Long> asked = new ArrayList<>();

        @Override
        public FeatureVector readAsOf(EntityKey entity, long atMillis) {
            return readAsOf(List.of(new PointInTimeQuery(entity, atMillis))).get(0);
        }

        @Override
        public List<FeatureVector> readAsOf(List<PointInTimeQuery> queries) {
            return queries.stream().map(query -> {
                asked.add(query.atMillis());
                return new FeatureVector(query.entity(), query.atMillis(), Map.<String, Object>of(
                        "clicks_1h", query.atMillis() / 1000, "first_seen_text", "not a number"));
            }).toList();
        }
    }

    @Test
    void readsEvenlySpreadInstantsEndingNowInOneBatch() {
        CountingStore store = new CountingStore();

        FeatureHistory.Series series = new FeatureHistory(store).read(EntityKey.item("i1"), 600_000,
                Duration.ofMinutes(5), 6);

        assertThat(store.asked).containsExactly(300_000L, 360_000L, 420_000L, 480_000L, 540_000L, 600_000L);
        assertThat(series.at()).containsExactly(300, 360, 420, 480, 540, 600);
        assertThat(series.features().get("clicks_1h")).containsExactly(300, 360, 420, 480, 540, 600);
        assertThat(series.features()).as("only numbers are charted").containsOnlyKeys("clicks_1h");
    }

    @Test
    void aFeatureMissingAtSomeInstantsIsNaNThere() {
        List<FeatureVector> vectors = List.of(
                new FeatureVector(EntityKey.item("i1"), 1_000, Map.of("popularity", 1.5)),
                new FeatureVector(EntityKey.item("i1"), 2_000, Map.of()));

        assertThat(FeatureHistory.columns(EntityKey.item("i1"), vectors).features().get("popularity"))
                .containsExactly(1.5, Double.NaN);
    }

    @Test
    void spansAndPointCountsAChartCannotUseAreRefused() {
        FeatureHistory history = new FeatureHistory(new CountingStore());

        assertThatThrownBy(() -> history.read(EntityKey.item("i1"), 0, Duration.ZERO, 10))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("spans");
        assertThatThrownBy(() -> history.read(EntityKey.item("i1"), 0, Duration.ofMinutes(5), 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2 to 240 points");
    }
}
