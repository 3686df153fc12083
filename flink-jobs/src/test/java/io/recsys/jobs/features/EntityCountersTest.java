package io.recsys.jobs.features;

import io.recsys.schema.feature.Delta;
import io.recsys.schema.feature.EntityType;
import io.recsys.schema.feature.FeatureRow;
import io.recsys.schema.feature.FeatureSegment;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class EntityCountersTest {

    private static final double HALF_LIFE = 3_600_000;
    private static final long T = 1_573_603_200_000L;

    @Test
    void stateSurvivesEncodingWithPendingInstantsIdsAndAttributeForOddSizes() {
        Random random = new Random(3);
        for (int n : new int[]{0, 1, 2, 7, 333}) {
            EntityCounters counters = EntityCounters.empty();
            for (int i = 0; i < n; i++) {
                counters.add(T + random.nextInt(5_000), new Delta(1, random.nextInt(2), 0, 0, 0, 0.5),
                        random.nextBoolean() ? "e" + i : null, HALF_LIFE);
            }
            counters.fold(EntityType.ITEM, "i1", T + 1_500, HALF_LIFE);
            if (n % 2 == 1) {
                counters.attribute("sports");
            }
            EntityCounters decoded = EntityCounters.decode(counters.encode());
            assertThat(decoded.encode()).isEqualTo(counters.encode());
            assertThat(decoded.head(EntityType.ITEM, "i1")).isEqualTo(counters.head(EntityType.ITEM, "i1"));
            assertThat(decoded.fold(EntityType.ITEM, "i1", Long.MAX_VALUE, HALF_LIFE))
                    .usingRecursiveFieldByFieldElementComparator()
                    .isEqualTo(counters.fold(EntityType.ITEM, "i1", Long.MAX_VALUE, HALF_LIFE));
        }
    }

    @Test
    void segmentsInAnyArrivalOrderEqualCumulativeCountsOfTheEventsBeforeEachInstant() {
        Random random = new Random(11);
        List<Long> times = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            times.add(T + random.nextInt(10_000));
        }
        EntityCounters counters = EntityCounters.empty();
        // arrival order: time order disturbed by up to 1.5 s, within the watermark's bound
        List<long[]> keyed = new ArrayList<>();
        for (long ts : times) {
            keyed.add(new long[]{ts + random.nextInt(1_500), ts});
        }
        keyed.sort((a, b) -> Long.compare(a[0], b[0]));
        List<Long> arrival = keyed.stream().map(k -> k[1]).toList();
        List<FeatureSegment> segments = new ArrayList<>();
        long watermark = Long.MIN_VALUE;
        for (long ts : arrival) {
            assertThat(counters.add(ts, new Delta(1, 0, 0, 0, 0, 1.0), null, HALF_LIFE))
                    .isNotEqualTo(EntityCounters.Outcome.BEHIND_BASE);
            watermark = Math.max(watermark, ts - 2_000);
            segments.addAll(counters.fold(EntityType.ITEM, "i1", watermark, HALF_LIFE));
        }
        segments.addAll(counters.fold(EntityType.ITEM, "i1", Long.MAX_VALUE, HALF_LIFE));

        List<FeatureRow> rows = segments.stream().flatMap(s -> s.rows().stream()).toList();
        assertThat(rows).extracting(FeatureRow::ts).isSorted().doesNotHaveDuplicates();
        for (FeatureRow row : rows) {
            long atOrBefore = times.stream().filter(ts -> ts <= row.ts()).count();
            assertThat(row.counters().impressions()).as("at %d", row.ts() - T).isEqualTo(atOrBefore);
        }
        assertThat(rows).hasSize((int) times.stream().distinct().count());
    }
}
