package io.recsys.jobs.features;

import io.recsys.schema.event.Event;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DropDuplicateEventsHarnessTest {

    private static Event impression(String eventId, long ts) {
        return Event.impression(eventId, "r1", "u1", "i1", 1, "home", null, null, ts);
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, Event, Event> harness() throws Exception {
        return ProcessFunctionTestHarnesses.forKeyedProcessFunction(new DropDuplicateEvents(), Event::eventId,
                Types.STRING);
    }

    @Test
    void shouldPassTheFirstEventWithAnIdAndDeadLetterItsCopies() throws Exception {
        try (var harness = harness()) {
            harness.processElement(impression("e1", 1_000), 1_000);
            harness.processElement(impression("e2", 1_000), 1_000);
            harness.processElement(impression("e1", 1_000), 1_000);
            harness.processElement(impression("e1", 1_500), 1_500);

            assertThat(harness.extractOutputValues()).extracting(Event::eventId).containsExactly("e1", "e2");
            assertThat(harness.getSideOutput(ValidateEvents.DEAD_LETTERS))
                    .extracting(r -> r.getValue().reason()).containsExactly("duplicate", "duplicate");
        }
    }

    @Test
    void shouldForgetAnIdOnceTheWatermarkPassesItsEventTime() throws Exception {
        try (var harness = harness()) {
            harness.processElement(impression("e1", 1_000), 1_000);
            harness.processElement(impression("e2", 5_000), 5_000);
            harness.processWatermark(1_000);

            // a copy of e1 now would be refused upstream as late; e2 is still ahead of the watermark
            assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
            assertThat(harness.numEventTimeTimers()).isEqualTo(1);
            harness.processWatermark(5_000);
            assertThat(harness.numKeyedStateEntries()).isZero();
            assertThat(harness.numEventTimeTimers()).isZero();
        }
    }
}
