package io.recsys.api.serving;

import io.recsys.schema.feature.EntityKey;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RecentWritesTest {

    private static Map<EntityKey, Long> writes(Object... keysAndTimes) {
        Map<EntityKey, Long> writes = new LinkedHashMap<>();
        for (int i = 0; i < keysAndTimes.length; i += 2) {
            writes.put((EntityKey) keysAndTimes[i], (Long) keysAndTimes[i + 1]);
        }
        return writes;
    }

    @Test
    void countsOnlyWritesNewerThanAnySeenBeforeAndNothingOnTheFirstLook() {
        ApiMetrics metrics = new ApiMetrics();
        RecentWrites recent = new RecentWrites(from -> Map.of(), metrics, 10);

        recent.watch(writes(EntityKey.item("i1"), 1_000L, EntityKey.item("i2"), 2_000L));
        assertThat(metrics.featureWritesSeen.get()).as("the first look reaches back minutes").isZero();

        // a look reaches back over writes already counted: i2 at 2,000 again, plus two new ones
        recent.watch(writes(EntityKey.item("i2"), 2_000L, EntityKey.item("i3"), 2_500L, EntityKey.GLOBAL, 3_000L));
        assertThat(metrics.featureWritesSeen.get()).isEqualTo(2.0);
    }

    @Test
    void remembersTheUsersWrittenMostRecentlyNewestFirstUpToItsBound() {
        RecentWrites recent = new RecentWrites(from -> Map.of(), new ApiMetrics(), 2);

        recent.watch(writes(EntityKey.user("u1"), 1_000L, EntityKey.item("i1"), 1_500L, EntityKey.user("u2"), 2_000L));
        recent.watch(writes(EntityKey.user("u3"), 3_000L, EntityKey.user("u1"), 4_000L));

        assertThat(recent.recentUsers()).extracting(Map.Entry::getKey).containsExactly("u1", "u3");
        assertThat(recent.recentUsers().get(0).getValue()).isEqualTo(4_000L);
    }

    @Test
    void passesTheWrappedFeedsAnswerThroughUnchanged() {
        Map<EntityKey, Long> written = writes(EntityKey.user("u1"), 5L);
        RecentWrites recent = new RecentWrites(from -> written, new ApiMetrics(), 5);

        assertThat(recent.writtenSince(0)).isEqualTo(written);
        assertThat(recent.recentUsers()).extracting(Map.Entry::getKey).isEqualTo(List.of("u1"));
    }
}
