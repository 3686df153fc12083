package io.recsys.schema.feature;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FeatureChangesTest {

    @Test
    void shouldDecodeWhatItEncodedForEveryEntityType() {
        FeatureChanges changes = FeatureChanges.of(1_700_000_000_123L, List.of(EntityKey.item("i1"),
                EntityKey.user("u-ü"), EntityKey.userCategory("u1", "news"), EntityKey.GLOBAL));

        assertThat(FeatureChanges.decode(changes.encode())).isEqualTo(changes);
    }

    @Test
    void shouldRefuseATruncatedOrForeignMessageWithAClearError() {
        byte[] encoded = FeatureChanges.of(1, List.of(EntityKey.item("i1"))).encode();

        assertThatThrownBy(() -> FeatureChanges.decode(Arrays.copyOf(encoded, encoded.length - 2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("truncated");
        encoded[0] = 9;
        assertThatThrownBy(() -> FeatureChanges.decode(encoded))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("format 9");
    }
}
