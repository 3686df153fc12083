package io.recsys.api.serving;

import io.recsys.schema.feature.Counters;
import io.recsys.schema.feature.EntityKey;
import io.recsys.schema.feature.EntityType;
import io.recsys.schema.feature.FeatureDerivation;
import io.recsys.schema.feature.FeatureRegistry;
import io.recsys.schema.feature.FeatureRow;
import io.recsys.schema.feature.FeatureVector;
import io.recsys.store.DerivedFeatures;
import io.recsys.store.ItemScore;
import io.recsys.store.OnlineStore;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class TrendingTest {

    private static final FeatureDerivation DERIVATION = new FeatureDerivation(FeatureRegistry.load());

    /** Lists a fixed trending list and counts how often it was asked. */
    private static final class ListingStore implements OnlineStore {
        final AtomicInteger reads = new AtomicInteger();
        final List<ItemScore> list;

        ListingStore(List<ItemScore> list) {
            this.list = list;
        }

        @Override
        public List<ItemScore> trendingItems(int limit) {
            reads.incrementAndGet();
            return list.subList(0, Math.min(limit, list.size()));
        }

        @Override
        public Map<EntityKey, FeatureVector> readLatest(Collection<EntityKey> entities) {
            throw new AssertionError("not read by Trending");
        }

        @Override
        public Map<EntityKey, DerivedFeatures> readLatestWithRows(Collection<EntityKey> entities) {
            throw new AssertionError("not read by Trending");
        }

        @Override
        public Optional<FeatureRow> latestRow(EntityKey entity) {
            throw new AssertionError("not read by Trending");
        }

        @Override
        public Map<EntityKey, Long> writtenSince(long writtenAtOrAfter) {
            throw new AssertionError("not read by Trending");
        }
    }

    private static FeatureRow itemHead(String id, double decayedClicks) {
        long now = System.currentTimeMillis();
        return new FeatureRow(EntityType.ITEM, id, now, new Counters(1, 1, 0, 0, 0, 1, decayedClicks, now));
    }

    @Test
    void shouldReorderTheListFromItemHeadsWithoutReadingTheStoreAgain() throws Exception {
        ApiMetrics metrics = new ApiMetrics();
        ListingStore store = new ListingStore(List.of(new ItemScore("a", 5), new ItemScore("b", 4),
                new ItemScore("c", 3)));
        Trending trending = new Trending(store, DERIVATION, new StoreBreaker(3, Duration.ofSeconds(5),
                Clock.systemUTC(), metrics), 10, Duration.ofHours(1).toMillis(), metrics);
        try {
            assertThat(trending.top(10)).containsExactly("a", "b", "c");

            trending.applyHeads(List.of(itemHead("new", 10), itemHead("a", 2),
                    new FeatureRow(EntityType.USER, "u1", 0, Counters.ZERO)));
            awaitTop(trending, List.of("new", "b", "c", "a"));

            assertThat(store.reads).as("one read at the start; heads alone since").hasValue(1);
        } finally {
            trending.close();
        }
    }

    private static void awaitTop(Trending trending, List<String> expected) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (!trending.top(10).equals(expected) && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
        assertThat(trending.top(10)).containsExactlyElementsOf(expected);
    }
}
