package io.recsys.schema.feature;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FeatureSegmentTest {

    private static final long BUCKET = 1_573_603_200_000L;

    private static List<FeatureRow> rows(int n, Random random) {
        List<FeatureRow> rows = new ArrayList<>();
        long ts = BUCKET + random.nextInt(3);
        long impressions = random.nextInt(1_000_000);
        for (int i = 0; i < n && ts < BUCKET + FeatureSegment.BUCKET_MS; i++) {
            impressions += random.nextInt(3);
            rows.add(new FeatureRow(EntityType.ITEM, "i1", ts, new Counters(impressions, random.nextInt(100),
                    random.nextInt(10), 0, Long.MAX_VALUE / 3, random.nextDouble() * 1e6, random.nextDouble(),
                    BUCKET - 86_400_000L)));
            ts += 1 + random.nextInt(7);
        }
        return rows;
    }

    @Test
    void decodesExactlyWhatWasEncodedForOddSizes() {
        Random random = new Random(7);
        for (int n : new int[]{1, 2, 3, 17, 129, 1_000}) {
            List<FeatureRow> rows = rows(n, random);
            FeatureSegment segment = FeatureSegment.of(rows);
            assertThat(segment.rows()).isEqualTo(rows);
            assertThat(segment.bucketStart()).isEqualTo(BUCKET);
            assertThat(segment.lastTs()).isEqualTo(rows.get(rows.size() - 1).ts());
        }
    }

    @Test
    void latestBeforeIsTheNewestInstantStrictlyBefore() {
        List<FeatureRow> rows = List.of(row(BUCKET + 10), row(BUCKET + 20), row(BUCKET + 999));
        FeatureSegment segment = FeatureSegment.of(rows);

        assertThat(segment.latestBefore(BUCKET + 10)).isNull();
        assertThat(segment.latestBefore(BUCKET + 11)).isEqualTo(rows.get(0));
        assertThat(segment.latestBefore(BUCKET + 20)).isEqualTo(rows.get(0));
        assertThat(segment.latestBefore(BUCKET + 999)).isEqualTo(rows.get(1));
        assertThat(segment.latestBefore(BUCKET + 5_000)).isEqualTo(rows.get(2));
    }

    @Test
    void refusesRowsOutOfOrderOrAcrossBuckets() {
        assertThatThrownBy(() -> FeatureSegment.of(List.of(row(BUCKET + 5), row(BUCKET + 5))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FeatureSegment.of(List.of(row(BUCKET + 5), row(BUCKET + 1_000))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static FeatureRow row(long ts) {
        return new FeatureRow(EntityType.ITEM, "i1", ts, new Counters(ts - BUCKET, 1, 0, 0, 0, 0.5, 0.25, BUCKET));
    }
}
