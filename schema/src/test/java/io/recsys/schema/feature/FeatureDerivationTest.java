package io.recsys.schema.feature;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class FeatureDerivationTest {

    private static final FeatureRegistry REGISTRY = FeatureRegistry.load();
    private static final FeatureDerivation DERIVATION = new FeatureDerivation(REGISTRY);
    private static final long T = 100 * 3_600_000L;

    private static FeatureRow row(EntityType type, long ts, long impressions, long clicks, double examinations) {
        return new FeatureRow(type, "x", ts, new Counters(impressions, clicks, 0, 0, 0, examinations, clicks, 0));
    }

    @Test
    void everyEntityTypeDerivesExactlyItsRegisteredFeaturesInRegistryOrder() {
        for (EntityType type : EntityType.values()) {
            FeatureVector vector = DERIVATION.derive(new EntityKey(type, "x"), T, RowsAsOf.EMPTY, RowsAsOf.EMPTY,
                    List.of(), Map.of());
            assertThat(vector.values().keySet())
                    .containsExactlyElementsOf(REGISTRY.features(type).stream().map(FeatureDefinition::name).toList());
            assertThat(DERIVATION.defaults(new EntityKey(type, "x"), T).values().keySet())
                    .isEqualTo(vector.values().keySet());
        }
    }

    @Test
    void windowedCountsAreDifferencesOfCumulativeRows() {
        RowsAsOf rows = new RowsAsOf(row(EntityType.ITEM, T - 1, 100, 10, 50),
                Map.of(Duration.ofHours(1), row(EntityType.ITEM, T - 3_600_001, 60, 4, 30),
                        Duration.ofHours(24), row(EntityType.ITEM, T - 90_000_000, 20, 1, 10)));
        Map<String, Object> values = DERIVATION.derive(EntityKey.item("x"), T, rows, RowsAsOf.EMPTY, List.of(),
                Map.of()).values();
        assertThat(values).containsEntry("impressions_1h", 40L).containsEntry("clicks_1h", 6L)
                .containsEntry("impressions_24h", 80L).containsEntry("clicks_24h", 9L)
                .containsEntry("impressions_short", 100L);
    }

    @Test
    void aWindowStartingInAnExpiredSeriesCountsOnlyTheNewSeries() {
        long day = 24 * 3_600_000L;
        long returned = T - 3_600_000L;
        // a user active 40 days ago (500 clicks), whose state then expired; back an hour ago with 2 clicks
        FeatureRow oldSeries = new FeatureRow(EntityType.USER, "u", T - 40 * day,
                new Counters(0, 500, 0, 0, 0, 0, 0, T - 60 * day));
        FeatureRow newSeries = new FeatureRow(EntityType.USER, "u", T - 1, new Counters(0, 2, 0, 0, 0, 0, 0, returned));
        RowsAsOf rows = new RowsAsOf(newSeries, Map.of(Duration.ofHours(1), oldSeries, Duration.ofHours(24),
                oldSeries));
        assertThat(DERIVATION.derive(EntityKey.user("u"), T, rows, RowsAsOf.EMPTY, List.of(), Map.of()).values())
                .containsEntry("clicks_24h", 2L).containsEntry("clicks_1h", 2L);
    }

    @Test
    void debiasedCtrComparesClicksWithWhatTheirPositionsPredict() {
        RowsAsOf item = new RowsAsOf(row(EntityType.ITEM, T - 1, 10, 2, 2.0), Map.of());
        RowsAsOf global = new RowsAsOf(row(EntityType.GLOBAL, T - 1, 1000, 100, 500.0), Map.of());
        double debiased = DERIVATION.derive(EntityKey.item("x"), T, item, global, List.of(), Map.of())
                .number("debiased_ctr_24h");
        // expected clicks = 2 examinations x 0.2 clicks per examination
        assertThat(debiased).isCloseTo((2 + 1.0) / (0.4 + 1.0), within(1e-12));
    }

    @Test
    void popularityHalvesEveryHalfLife() {
        RowsAsOf item = new RowsAsOf(row(EntityType.ITEM, T, 0, 8, 0), Map.of());
        long later = T + REGISTRY.halfLife().toMillis() * 2;
        assertThat(DERIVATION.derive(EntityKey.item("x"), later, item, RowsAsOf.EMPTY, List.of(), Map.of())
                .number("popularity")).isCloseTo(2.0, within(1e-9));
    }

    @Test
    void recentItemsListEachItemOnceAtItsNewestInteraction() {
        List<Interaction> recent = List.of(new Interaction("u", 30, "a", "click"), new Interaction("u", 30, "a", "view"),
                new Interaction("u", 20, "b", "view"), new Interaction("u", 10, "a", "view"));
        List<?> items = (List<?>) DERIVATION.derive(EntityKey.user("u"), T, RowsAsOf.EMPTY, RowsAsOf.EMPTY, recent,
                Map.of()).values().get("recent_items");
        assertThat(items).hasSize(2);
        assertThat(items.get(0).toString()).contains("item_id=a", "type=click");
        assertThat(items.get(1).toString()).contains("item_id=b");
    }

    @Test
    void propensityFallsWithPosition() {
        assertThat(REGISTRY.propensity(1)).isEqualTo(1.0);
        assertThat(REGISTRY.propensity(2)).isLessThan(1.0).isGreaterThan(REGISTRY.propensity(10));
    }
}
