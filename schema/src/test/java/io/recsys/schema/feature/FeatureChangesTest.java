package io.recsys.schema.feature;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FeatureChangesTest {

    private static FeatureRow head(EntityKey entity, long ts, Counters counters) {
        return new FeatureRow(entity.type(), entity.id(), ts, counters);
    }

    @Test
    void shouldDecodeEveryHeadWithItsCountersForEveryEntityType() {
        Counters counters = new Counters(7, 3, 2, 1, 1, 4.25, 2.5, 1_600_000_000_000L);
        FeatureChanges changes = FeatureChanges.of(1_700_000_000_123L, List.of(
                head(EntityKey.item("i1"), 1_700_000_000_000L, counters),
                head(EntityKey.user("u-ü"), 1_699_999_999_000L, Counters.ZERO),
                head(EntityKey.userCategory("u1", "news"), 5, counters),
                head(EntityKey.GLOBAL, 6, counters)));

        assertThat(FeatureChanges.decode(changes.encode())).isEqualTo(changes);
    }

    @Test
    void shouldRefuseATruncatedOrForeignMessageWithAClearError() {
        byte[] encoded = FeatureChanges.of(1, List.of(head(EntityKey.item("i1"), 1, Counters.ZERO))).encode();

        assertThatThrownBy(() -> FeatureChanges.decode(Arrays.copyOf(encoded, encoded.length - 2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("truncated");
        encoded[0] = 1;
        assertThatThrownBy(() -> FeatureChanges.decode(encoded))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("format 1");
    }
}
