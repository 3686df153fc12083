package io.recsys.jobs.testing;

import io.recsys.schema.event.Event;
import io.recsys.schema.event.EventType;
import io.recsys.schema.feature.EntityKey;
import io.recsys.schema.feature.EntityType;
import io.recsys.schema.feature.FeatureRegistry;
import io.recsys.schema.feature.FeatureVector;
import io.recsys.store.FeatureStore;
import io.recsys.store.FeatureStores;
import io.recsys.store.OfflineStore;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every windowed count the store serves, for every item, user and the global entity, equals a brute-force count of
 * the events that count there under the job's feedback rule ({@link BruteForce#countedFor}).
 */
public final class WindowedCountAssertions {

    private static final long HOUR = 3_600_000L;

    private WindowedCountAssertions() {
    }

    /**
     * Checks at the first and last event instants, just after them, a day later and at six random instants in
     * between: windows that start empty, end at the log's edge and fall in its middle.
     */
    public static void assertEveryWindowedCountMatches(String storeUrl, List<Event> events,
                                                       FeatureRegistry registry) {
        BruteForce truth = BruteForce.countedFor(EntityType.ITEM, events, registry);
        BruteForce userTruth = BruteForce.countedFor(EntityType.USER, events, registry);
        Set<String> items = new TreeSet<>();
        Set<String> users = new TreeSet<>();
        events.forEach(e -> {
            items.add(e.itemId());
            users.add(e.userId());
        });
        long first = events.stream().mapToLong(Event::eventTime).min().orElseThrow();
        long last = events.stream().mapToLong(Event::eventTime).max().orElseThrow();
        Random random = new Random(3);
        List<Long> instants = new ArrayList<>(List.of(first, first + 1, last, last + 1, last + 25 * HOUR));
        for (int i = 0; i < 6; i++) {
            instants.add(first + (long) (random.nextDouble() * (last - first + 2 * HOUR)));
        }
        long shortWindow = registry.shortWindow().toMillis();
        try (FeatureStore opened = FeatureStores.open(storeUrl, registry)) {
            OfflineStore store = opened.offline();
            for (long t : instants) {
                for (String item : items) {
                    FeatureVector features = store.readAsOf(EntityKey.item(item), t);
                    var is = BruteForce.item(item);
                    assertThat(features.values())
                            .as("item %s at %s", item, Instant.ofEpochMilli(t))
                            .containsEntry("impressions_short", truth.count(is, EventType.IMPRESSION, t, shortWindow))
                            .containsEntry("clicks_short", truth.count(is, EventType.CLICK, t, shortWindow))
                            .containsEntry("impressions_1h", truth.count(is, EventType.IMPRESSION, t, HOUR))
                            .containsEntry("clicks_1h", truth.count(is, EventType.CLICK, t, HOUR))
                            .containsEntry("impressions_24h", truth.count(is, EventType.IMPRESSION, t, 24 * HOUR))
                            .containsEntry("clicks_24h", truth.count(is, EventType.CLICK, t, 24 * HOUR))
                            .containsEntry("views_24h", truth.count(is, EventType.VIEW, t, 24 * HOUR));
                }
                for (String user : users) {
                    var is = BruteForce.user(user);
                    assertThat(store.readAsOf(EntityKey.user(user), t).values())
                            .as("user %s at %s", user, Instant.ofEpochMilli(t))
                            .containsEntry("clicks_1h", userTruth.count(is, EventType.CLICK, t, HOUR))
                            .containsEntry("clicks_24h", userTruth.count(is, EventType.CLICK, t, 24 * HOUR))
                            .containsEntry("views_24h", userTruth.count(is, EventType.VIEW, t, 24 * HOUR));
                }
                assertThat(store.readAsOf(EntityKey.GLOBAL, t).values())
                        .containsEntry("impressions_24h", truth.count(e -> true, EventType.IMPRESSION, t, 24 * HOUR))
                        .containsEntry("clicks_1h", truth.count(e -> true, EventType.CLICK, t, HOUR));
            }
        }
    }
}
