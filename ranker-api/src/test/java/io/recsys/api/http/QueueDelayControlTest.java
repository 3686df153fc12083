package io.recsys.api.http;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class QueueDelayControlTest {

    private static final long MS = 1_000_000L;
    private final QueueDelayControl control = new QueueDelayControl(5 * MS, 100 * MS);

    @Test
    void aBurstThatDrainsWithinTheIntervalIsServedNotRefused() {
        long now = 0;
        for (int i = 0; i < 50; i++) {
            assertThat(control.refuse(MS, now += 2 * MS)).isFalse();
        }
        // a 40 ms pause: the requests behind it waited long, the queue drains right after
        assertThat(control.refuse(40 * MS, now += 40 * MS)).isFalse();
        assertThat(control.refuse(30 * MS, now += MS)).isFalse();
        for (int i = 0; i < 100; i++) {
            assertThat(control.refuse(MS, now += 2 * MS)).as("request %d after the pause", i).isFalse();
        }
    }

    @Test
    void aQueueThatStandsAboveTheTargetForAWholeIntervalIsShedUntilItDrains() {
        long now = 0;
        for (int i = 0; i < 60; i++) {
            control.refuse(8 * MS, now += 2 * MS);
        }
        assertThat(control.refuse(8 * MS, now += 2 * MS)).as("every wait above the target for 120 ms").isTrue();
        assertThat(control.refuse(4 * MS, now += MS)).as("a wait within the target is still served").isFalse();
        // once the waits fall below the target for an interval, the queue no longer stands
        for (int i = 0; i < 60; i++) {
            control.refuse(MS, now += 2 * MS);
        }
        assertThat(control.refuse(8 * MS, now += 2 * MS)).isFalse();
    }

    @Test
    void aRequestThatWaitedLongerThanTheIntervalIsRefusedEvenWithoutAStandingQueue() {
        assertThat(control.refuse(101 * MS, 1)).isTrue();
    }

    @Test
    void aTargetOutsideTheIntervalIsRefusedWithItsValues() {
        assertThatThrownBy(() -> new QueueDelayControl(200 * MS, 100 * MS))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("200000000 ns");
    }
}
