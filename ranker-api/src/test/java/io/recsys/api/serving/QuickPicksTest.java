package io.recsys.api.serving;

import io.recsys.schema.feature.EntityKey;
import io.recsys.schema.feature.FeatureVector;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class QuickPicksTest {

    private static FeatureVector user(String id, long clicksAll, String... recentItems) {
        List<Map<String, Object>> recent = java.util.Arrays.stream(recentItems)
                .map(item -> Map.<String, Object>of("item_id", item, "type", "click", "time", "2026-01-01T00:00:00Z"))
                .toList();
        return new FeatureVector(EntityKey.user(id), 1_000, Map.of("clicks_all", clicksAll, "recent_items", recent));
    }

    @Test
    void picksOnlyUsersWithRecentItemsInTheOrderGiven() {
        List<FeatureVector> newestFirst = List.of(user("u3", 0), user("u1", 4, "i9", "i2"), user("u2", 1, "i5"));

        List<QuickPicks.Pick> picks = QuickPicks.withHistory(newestFirst, Map.of(EntityKey.user("u1"), 7_000L), 5);

        assertThat(picks).extracting(QuickPicks.Pick::userId).containsExactly("u1", "u2");
        assertThat(picks.get(0)).isEqualTo(new QuickPicks.Pick("u1", 7_000L, 4, 2, "i9"));
        assertThat(picks.get(1).writtenAt()).as("without a known write time, the read's").isEqualTo(1_000L);
    }

    @Test
    void stopsAtTheLimit() {
        List<FeatureVector> newestFirst = List.of(user("u1", 1, "i1"), user("u2", 1, "i2"), user("u3", 1, "i3"));

        assertThat(QuickPicks.withHistory(newestFirst, Map.of(), 2)).extracting(QuickPicks.Pick::userId)
                .containsExactly("u1", "u2");
    }

    @Test
    void aUserOnlyShownListsIsNoPick() {
        assertThat(QuickPicks.withHistory(List.of(user("u9", 0)), Map.of(), 5)).isEmpty();
    }
}
