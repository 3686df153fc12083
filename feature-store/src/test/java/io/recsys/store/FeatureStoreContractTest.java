package io.recsys.store;

import io.recsys.schema.event.ItemAttributes;
import io.recsys.schema.feature.Counters;
import io.recsys.schema.feature.Delta;
import io.recsys.schema.feature.EntityKey;
import io.recsys.schema.feature.EntityType;
import io.recsys.schema.feature.FeatureDerivation;
import io.recsys.schema.feature.FeatureRegistry;
import io.recsys.schema.feature.FeatureRow;
import io.recsys.schema.feature.FeatureVector;
import io.recsys.schema.feature.Interaction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Every backend passes the same contract: the embedded H2 store and PostgreSQL. It reaches a store only through the
 * {@link FeatureStore} contracts, so a backend joins by saying how to open a fresh, empty store.
 */
abstract class FeatureStoreContractTest {

    static final long HOUR = 3_600_000L;
    static final long T0 = Instant.parse("2019-11-13T00:00:00Z").toEpochMilli();
    static final FeatureRegistry REGISTRY = FeatureRegistry.load();
    /** The store's clock: every write is stamped with it, and it is "now" for online reads and trending. */
    static final Clock NOW = Clock.fixed(Instant.ofEpochMilli(T0 + 48 * HOUR), ZoneOffset.UTC);

    private FeatureStore store;
    OnlineStore online;
    OfflineStore offline;
    FeatureWriter writer;
    ItemCatalogue catalogue;
    Retention retention;

    /** A fresh, empty store of the backend under test, on {@code clock}. */
    abstract FeatureStore openFreshStore(FeatureRegistry registry, Clock clock);

    /** Drops what {@link #openFreshStore} created, once the store is closed. */
    void dropStore() {
    }

    @BeforeEach
    void openStore() {
        store = openFreshStore(REGISTRY, NOW);
        online = store.online();
        offline = store.offline();
        writer = store.writer();
        catalogue = store.catalogue();
        retention = store.retention();
    }

    @AfterEach
    void closeStore() {
        store.close();
        dropStore();
    }

    /** Cumulative rows for a list of impression times, like the job writes them. */
    static List<FeatureRow> impressionsAt(EntityKey entity, long... times) {
        List<FeatureRow> rows = new ArrayList<>();
        Counters counters = Counters.ZERO;
        long previous = times.length == 0 ? 0 : times[0];
        for (long ts : times) {
            counters = counters.advance(previous, ts, new Delta(1, 0, 0, 0, 0, 1.0), REGISTRY.halfLifeMillis());
            previous = ts;
            if (!rows.isEmpty() && rows.get(rows.size() - 1).ts() == ts) {
                rows.remove(rows.size() - 1);
            }
            rows.add(new FeatureRow(entity.type(), entity.id(), ts, counters));
        }
        return rows;
    }

    @Test
    void windowCountsIncludeTheWindowStartAndExcludeTheReadInstant() {
        EntityKey item = EntityKey.item("i1");
        long[] times = {T0, T0 + HOUR / 2, T0 + HOUR, T0 + HOUR, T0 + 2 * HOUR};
        writer.write(impressionsAt(item, times), List.of(), List.of());

        assertThat(offline.readAsOf(item, T0).values()).containsEntry("impressions_1h", 0L);
        assertThat(offline.readAsOf(item, T0 + 1).values()).containsEntry("impressions_1h", 1L);
        assertThat(offline.readAsOf(item, T0 + HOUR).values()).containsEntry("impressions_1h", 2L);
        // [T0 + 1ms, T0 + 1h + 1ms) holds the events at T0 + 30min and the two at T0 + 1h
        assertThat(offline.readAsOf(item, T0 + HOUR + 1).values()).containsEntry("impressions_1h", 3L);
        assertThat(offline.readAsOf(item, T0 + 2 * HOUR + 1).values())
                .containsEntry("impressions_1h", 1L)
                .containsEntry("impressions_24h", 5L);
    }

    @Test
    void windowCountsMatchBruteForceAtRandomInstants() {
        Random random = new Random(7);
        long[] times = new long[400];
        for (int i = 0; i < times.length; i++) {
            times[i] = T0 + random.nextInt((int) (30 * HOUR));
        }
        java.util.Arrays.sort(times);
        EntityKey item = EntityKey.item("i2");
        writer.write(impressionsAt(item, times), List.of(), List.of());
        for (int probe = 0; probe < 60; probe++) {
            long t = T0 - HOUR + random.nextInt((int) (33 * HOUR));
            long oneHour = java.util.Arrays.stream(times).filter(ts -> ts >= t - HOUR && ts < t).count();
            long oneDay = java.util.Arrays.stream(times).filter(ts -> ts >= t - 24 * HOUR && ts < t).count();
            assertThat(offline.readAsOf(item, t).values())
                    .as("at %s", Instant.ofEpochMilli(t))
                    .containsEntry("impressions_1h", oneHour)
                    .containsEntry("impressions_24h", oneDay);
        }
    }

    @Test
    void readsAreExactAtEveryInstantInsideBetweenAndAtTheEdgesOfSegments() {
        EntityKey item = EntityKey.item("segmented");
        long b = T0 + 7 * HOUR;
        // buckets of one second: two instants at the start and one at the end of the first, an empty second, two
        // inside the third, one at the very end of the fourth; then an instant past the last final bucket, written
        // as the head only (the watermark has not passed it)
        long[] finals = {b, b + 1, b + 999, b + 2_000, b + 2_500, b + 3_999};
        long head = b + 4_100;
        long[] all = java.util.Arrays.copyOf(finals, finals.length + 1);
        all[finals.length] = head;
        List<FeatureRow> rows = impressionsAt(item, all);
        List<io.recsys.schema.feature.FeatureSegment> segments = new ArrayList<>();
        for (long bucket = b; bucket < b + 4_000; bucket += io.recsys.schema.feature.FeatureSegment.BUCKET_MS) {
            long start = bucket;
            List<FeatureRow> inBucket = rows.stream()
                    .filter(r -> r.ts() >= start && r.ts() < start + 1_000 && r.ts() < head).toList();
            if (!inBucket.isEmpty()) {
                segments.add(io.recsys.schema.feature.FeatureSegment.of(inBucket));
            }
        }
        writer.write(segments, List.of(rows.get(rows.size() - 2)), List.of(), List.of());
        writer.write(List.of(), List.of(rows.get(rows.size() - 1)), List.of(), List.of());

        for (long t = b - 2; t <= head + 2; t++) {
            long at = t;
            long expected = java.util.Arrays.stream(all).filter(ts -> ts < at).count();
            assertThat(offline.readAsOf(item, t).values()).as("at bucket start + %d ms", t - b)
                    .containsEntry("impressions_24h", expected);
        }
    }

    @Test
    void pointInTimeReadNeverSeesARowWrittenAtOrAfterTheReadInstant() {
        EntityKey item = EntityKey.item("leaky");
        long t = T0 + 5 * HOUR;
        // A deliberately leaking history: a burst of clicks exactly at t and just after it.
        List<FeatureRow> rows = new ArrayList<>(impressionsAt(item, T0 + HOUR, t, t + 1));
        Counters big = new Counters(1_000, 900, 0, 0, 0, 1_000, 900, T0 + HOUR);
        rows.add(new FeatureRow(EntityType.ITEM, item.id(), t, big));
        writer.write(rows, List.of(new Interaction("u1", t, "leaky", "click")), List.of());

        FeatureVector atT = offline.readAsOf(item, t);
        assertThat(atT.values())
                .containsEntry("impressions_24h", 1L)
                .containsEntry("clicks_24h", 0L)
                .containsEntry("popularity", 0.0);
        assertThat((List<?>) offline.readAsOf(EntityKey.user("u1"), t).values().get("recent_items")).isEmpty();
        assertThat((List<?>) offline.readAsOf(EntityKey.user("u1"), t + 1).values().get("recent_items")).hasSize(1);
    }

    @Test
    void writingTheSameBatchTwiceLeavesTheSameValues() {
        EntityKey item = EntityKey.item("i3");
        List<FeatureRow> rows = impressionsAt(item, T0, T0 + 10, T0 + 20);
        writer.write(rows, List.of(), List.of());
        Map<String, Object> once = offline.readAsOf(item, T0 + HOUR).values();
        writer.write(rows, List.of(), List.of());
        assertThat(offline.readAsOf(item, T0 + HOUR).values()).isEqualTo(once);
    }

    @Test
    void latestRowDoesNotRegressWhenAnOlderRowArrivesLater() {
        EntityKey item = EntityKey.item("i4");
        List<FeatureRow> rows = impressionsAt(item, T0, T0 + 10);
        writer.write(List.of(rows.get(1)), List.of(), List.of());
        writer.write(List.of(rows.get(0)), List.of(), List.of());
        assertThat(online.latestRow(item)).get().extracting(FeatureRow::ts).isEqualTo(T0 + 10);
    }

    @Test
    void trendingRanksItemsByClicksDecayedToNowNotByRawClicks() {
        // "old" had 3 clicks 36 h ago (six half-lives: 3/64 left); "fresh" had 1 click an hour ago
        writer.write(List.of(
                new FeatureRow(EntityType.ITEM, "old", T0 + 12 * HOUR, new Counters(3, 3, 0, 0, 0, 3, 3, T0)),
                new FeatureRow(EntityType.ITEM, "fresh", T0 + 47 * HOUR, new Counters(1, 1, 0, 0, 0, 1, 1, T0)),
                new FeatureRow(EntityType.ITEM, "unclicked", T0 + 47 * HOUR, new Counters(5, 0, 0, 0, 0, 5, 0, T0))),
                List.of(), List.of());

        assertThat(online.trendingItems(10)).extracting(ItemScore::itemId).containsExactly("fresh", "old");
        assertThat(online.trendingItems(10).get(1).score()).isCloseTo(3.0 / 64, within(1e-9));
        assertThat(online.trendingItems(1)).hasSize(1);
    }

    @Test
    void trendingScoresAreThePopularityFeatureAtNowEvenBetweenWholeHalfLives() {
        // one click 1 h ago and one 90 min ago: 1/6 and 1/4 of a half-life, which an integer exponent would drop
        writer.write(List.of(
                new FeatureRow(EntityType.ITEM, "hour", T0 + 47 * HOUR, new Counters(1, 1, 0, 0, 0, 1, 1, T0)),
                new FeatureRow(EntityType.ITEM, "ninety", T0 + 46 * HOUR + HOUR / 2,
                        new Counters(1, 1, 0, 0, 0, 1, 1, T0))), List.of(), List.of());

        List<ItemScore> trending = online.trendingItems(10);
        assertThat(trending).extracting(ItemScore::itemId).containsExactly("hour", "ninety");
        assertThat(trending.get(0).score()).isCloseTo(Math.pow(0.5, 1 / 6.0), within(1e-12));
        assertThat(trending.get(1).score()).isCloseTo(Math.pow(0.5, 1 / 4.0), within(1e-12));
        Map<EntityKey, FeatureVector> features = online.readLatest(List.of(EntityKey.item("hour"),
                EntityKey.item("ninety")));
        assertThat(trending.get(0).score()).isEqualTo(features.get(EntityKey.item("hour")).number("popularity"));
        assertThat(trending.get(1).score()).isEqualTo(features.get(EntityKey.item("ninety")).number("popularity"));
    }

    @Test
    void trendingListsTheMostPopularItemsForAnyLimitWithTiesInIdOrder() {
        // 551 items, every fifth one tied with its neighbour (same clicks, same time)
        Random random = new Random(11);
        List<FeatureRow> heads = new ArrayList<>();
        for (int i = 0; i < 551; i++) {
            long ts = i % 5 == 1 ? heads.get(i - 1).ts() : T0 + random.nextInt((int) (48 * HOUR));
            double clicks = i % 5 == 1 ? heads.get(i - 1).counters().decayedClicks()
                    : i % 7 == 0 ? 0 : 1 + random.nextInt(40);
            heads.add(new FeatureRow(EntityType.ITEM, "t" + (1000 - i), ts,
                    new Counters(50, (long) clicks, 0, 0, 0, 50, clicks, T0)));
        }
        writer.write(List.of(), heads, List.of(), List.of());
        FeatureDerivation derivation = new FeatureDerivation(REGISTRY);
        List<ItemScore> expected = heads.stream()
                .filter(row -> row.counters().decayedClicks() > 0)
                .map(row -> new ItemScore(row.entityId(),
                        derivation.popularity(row.counters().decayedClicks(), row.ts(), NOW.millis())))
                .sorted(Comparator.comparingDouble(ItemScore::score).reversed()
                        .thenComparing(ItemScore::itemId))
                .toList();

        for (int limit : new int[]{0, 1, 7, 97, 551, 600}) {
            assertThat(online.trendingItems(limit)).as("limit %d", limit)
                    .isEqualTo(expected.subList(0, Math.min(limit, expected.size())));
        }
    }

    @Test
    void writtenSinceNamesEachEntityWhoseLatestRowWasWrittenFromThatInstantWithItsWriteTime() {
        long now = T0 + 48 * HOUR; // the store's clock stamps every write
        writer.write(impressionsAt(EntityKey.item("w"), T0 + HOUR, T0 + 2 * HOUR), List.of(), List.of());
        writer.write(impressionsAt(EntityKey.user("uw"), T0 + HOUR), List.of(), List.of());

        assertThat(online.writtenSince(now)).containsOnly(Map.entry(EntityKey.item("w"), now),
                Map.entry(EntityKey.user("uw"), now));
        assertThat(online.writtenSince(now + 1)).isEmpty();
    }

    @Test
    void onlineReadReturnsEveryRequestedEntityIncludingUnknownOnes() {
        writer.write(impressionsAt(EntityKey.item("a"), T0 + 40 * HOUR), List.of(), List.of());
        writer.write(impressionsAt(EntityKey.item("b"), T0 + 47 * HOUR, T0 + 47 * HOUR + 5), List.of(), List.of());
        Map<EntityKey, FeatureVector> latest = online.readLatest(
                List.of(EntityKey.item("a"), EntityKey.item("b"), EntityKey.item("never")));
        assertThat(latest).hasSize(3);
        assertThat(latest.get(EntityKey.item("a")).values()).containsEntry("impressions_24h", 1L)
                .containsEntry("impressions_1h", 0L);
        assertThat(latest.get(EntityKey.item("b")).values()).containsEntry("impressions_1h", 2L);
        assertThat(latest.get(EntityKey.item("never")).values()).containsEntry("impressions_24h", 0L)
                .containsEntry("first_seen", null);
    }

    @Test
    void onlineReadWithRowsGivesTheSameFeaturesAndTheRowsThatDeriveThem() {
        EntityKey item = EntityKey.item("rows");
        List<FeatureRow> rows = impressionsAt(item, T0 + 20 * HOUR, T0 + 46 * HOUR, T0 + 47 * HOUR + 5);
        writer.write(rows, List.of(), List.of());
        writer.write(impressionsAt(EntityKey.GLOBAL, T0 + 30 * HOUR, T0 + 47 * HOUR), List.of(), List.of());

        DerivedFeatures read = online.readLatestWithRows(List.of(item)).get(item);

        assertThat(read.vector()).isEqualTo(online.readLatest(List.of(item)).get(item));
        assertThat(read.rows().latest()).isEqualTo(rows.get(2));
        assertThat(read.rows().windowStarts()).containsEntry(FeatureRegistry.ONE_DAY, rows.get(0));
        assertThat(read.global().latest().ts()).isEqualTo(T0 + 47 * HOUR);
        assertThat(new FeatureDerivation(REGISTRY).derive(item, read.vector().at(), read.rows(), read.global(),
                List.of(), Map.of())).as("the rows derive the features read").isEqualTo(read.vector());
    }

    @Test
    void smoothedCtrShrinksTowardTheGlobalCtr() {
        EntityKey item = EntityKey.item("c");
        Counters itemCounts = new Counters(10, 5, 0, 0, 0, 10, 5, T0);
        Counters globalCounts = new Counters(1_000, 100, 0, 0, 0, 1_000, 100, T0);
        writer.write(List.of(new FeatureRow(EntityType.ITEM, "c", T0, itemCounts),
                new FeatureRow(EntityType.GLOBAL, EntityKey.GLOBAL_ID, T0, globalCounts)), List.of(), List.of());
        double m = REGISTRY.priorStrength();
        assertThat(offline.readAsOf(item, T0 + 1).number("ctr_24h")).isCloseTo((5 + m * 0.1) / (10 + m), within(1e-12));
        assertThat(offline.readAsOf(EntityKey.GLOBAL, T0 + 1).number("ctr_24h")).isCloseTo(0.1, within(1e-12));
    }

    @Test
    void userFeaturesListRecentItemsNewestFirstAndCategoryAffinity() {
        EntityKey user = EntityKey.user("u9");
        List<Interaction> interactions = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            interactions.add(new Interaction("u9", T0 + i * 1000L, "i" + i, "click"));
        }
        Counters sports = new Counters(3, 3, 0, 0, 0, 3, 3, T0);
        Counters news = new Counters(1, 1, 0, 0, 0, 1, 1, T0);
        writer.write(List.of(new FeatureRow(EntityType.USER_CATEGORY, "u9|sports", T0, sports),
                        new FeatureRow(EntityType.USER_CATEGORY, "u9|news", T0, news),
                        new FeatureRow(EntityType.USER_CATEGORY, "u99|other", T0, news)),
                interactions, List.of(new ItemAttributes("i1", "sports", null)));

        Map<String, Object> values = offline.readAsOf(user, T0 + HOUR).values();
        List<?> recent = (List<?>) values.get("recent_items");
        assertThat(recent).hasSize(REGISTRY.recentItems());
        assertThat(recent.get(0)).asString().contains("i59");
        @SuppressWarnings("unchecked")
        Map<String, Object> affinity = (Map<String, Object>) values.get("category_affinity");
        assertThat(affinity).containsOnlyKeys("sports", "news");
        assertThat(((Number) affinity.get("sports")).doubleValue()).isCloseTo(0.75, within(1e-9));
        assertThat(catalogue.itemAttributes(List.of("i1", "i2"))).containsOnlyKeys("i1");
    }

    @Test
    void retentionKeepsTheAnchorRowSoLaterWindowsStayExact() {
        EntityKey item = EntityKey.item("r");
        writer.write(impressionsAt(item, T0, T0 + HOUR, T0 + 2 * HOUR, T0 + 30 * HOUR), List.of(), List.of());
        FeatureVector before = offline.readAsOf(item, T0 + 30 * HOUR + 1);
        int deleted = retention.deleteBefore(T0 + 3 * HOUR);
        assertThat(deleted).isEqualTo(2);
        assertThat(offline.readAsOf(item, T0 + 30 * HOUR + 1).values()).isEqualTo(before.values());
    }
}
