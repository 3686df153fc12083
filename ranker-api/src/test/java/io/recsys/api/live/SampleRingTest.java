package io.recsys.api.live;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SampleRingTest {

    @Test
    void holdsWhatWasAddedOldestFirstUntilFull() {
        SampleRing<Integer> ring = new SampleRing<>(3);
        ring.add(1);
        ring.add(2);

        assertThat(ring.toList()).containsExactly(1, 2);
        assertThat(ring.size()).isEqualTo(2);
    }

    @Test
    void addingPastCapacityDropsTheOldest() {
        SampleRing<Integer> ring = new SampleRing<>(3);
        for (int i = 1; i <= 7; i++) {
            ring.add(i);
        }

        assertThat(ring.toList()).containsExactly(5, 6, 7);
        assertThat(ring.size()).isEqualTo(3);
    }

    @Test
    void fromNewestCountsBackFromTheLastAddAndIsNullBeyondWhatIsHeld() {
        SampleRing<Integer> ring = new SampleRing<>(4);
        List.of(1, 2, 3, 4, 5, 6).forEach(ring::add);

        assertThat(ring.fromNewest(0)).isEqualTo(6);
        assertThat(ring.fromNewest(3)).isEqualTo(3);
        assertThat(ring.fromNewest(4)).isNull();
        assertThat(ring.fromNewest(-1)).isNull();
        assertThat(new SampleRing<Integer>(2).fromNewest(0)).isNull();
    }

    @Test
    void aRingOfNothingIsRefused() {
        assertThatThrownBy(() -> new SampleRing<>(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one");
    }
}
